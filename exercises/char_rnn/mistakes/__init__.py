"""Known mistakes of ``char_rnn``: one module per exercise, each mutant marked ``@mistake``.

A mutant has the reference function's signature and uses only the reference module's names (numpy as
``np``): ``grader validate`` grades it as a submission, in the worker. Its description says what the
student did, in the student's words.
"""
