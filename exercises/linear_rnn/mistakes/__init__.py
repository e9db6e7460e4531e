"""Known mistakes of ``linear_rnn``: one module per exercise, each mutant marked ``@mistake``.

A mutant has the reference function's signature and uses only the reference module's names (numpy as
``np`` and the reference functions). Its description says what the student did, in the student's words.
"""
