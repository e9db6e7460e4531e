"""Known mistakes of ``scratch_rnn``: mutant classes of the reference ``SimpleRNN``, each marked ``@mistake``.

A mutant subclasses the reference class and overrides the method the mistake is in; it uses only the
reference module's names. Its description says what the student did, in the student's words.
"""
