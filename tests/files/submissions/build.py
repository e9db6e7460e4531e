"""Build the corpus of student submission notebooks used by the grader's tests.

Run from the repository root::

    /work/venv/bin/python tests/files/submissions/build.py

It (re)writes, deterministically:

* ``tests/files/submissions/*.ipynb`` -- correct notebooks written in different styles and
  notebooks that each contain exactly one realistic mistake in one graded function;
* ``tests/files/submissions/expected.json`` -- which exercise must lose points in each notebook;
* ``examples/sample_submission.ipynb`` -- the sample shown in the README (two mistakes).

Every solution is a source-text snippet.  A mistake is the correct snippet of one function with
one text replacement applied (``mistake()`` checks that the replaced text is really there).

Before writing anything the script checks itself: it executes the function cells of every
notebook (with its own softmax/sigmoid standing in for ``rnn_utils``), grades each of the ten
functions on random inputs against the canonical solutions -- with the other nine functions
replaced by the canonical ones, as the grader does -- and refuses to write the corpus unless
exactly the expected functions differ.  Pass ``--no-check`` to skip this.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SAMPLE_PATH = ROOT / "examples" / "sample_submission.ipynb"

FUNCS = [
    "rnn_cell_forward",
    "rnn_forward",
    "lstm_cell_forward",
    "lstm_forward",
    "rnn_cell_backward",
    "rnn_backward",
    "lstm_cell_backward",
    "lstm_backward",
    "initialize_adam",
    "update_parameters_with_adam",
]


def src(text: str) -> str:
    """Dedent a snippet and strip the surrounding blank lines."""
    return textwrap.dedent(text).strip("\n")


# ---------------------------------------------------------------------------------------------
# Canonical solutions (2018 course style: np.dot, explicit loops, Coursera comments)
# ---------------------------------------------------------------------------------------------

CORRECT: dict[str, str] = {}

CORRECT["rnn_cell_forward"] = src('''
    # GRADED FUNCTION: rnn_cell_forward

    def rnn_cell_forward(xt, a_prev, parameters):
        """
        Implements a single forward step of the RNN-cell as described in Figure (2)

        Arguments:
        xt -- your input data at timestep "t", numpy array of shape (n_x, m).
        a_prev -- Hidden state at timestep "t-1", numpy array of shape (n_a, m)
        parameters -- python dictionary containing Wax, Waa, Wya, ba, by

        Returns:
        a_next -- next hidden state, of shape (n_a, m)
        yt_pred -- prediction at timestep "t", numpy array of shape (n_y, m)
        cache -- tuple of values needed for the backward pass, contains (a_next, a_prev, xt, parameters)
        """

        # Retrieve parameters from "parameters"
        Wax = parameters["Wax"]
        Waa = parameters["Waa"]
        Wya = parameters["Wya"]
        ba = parameters["ba"]
        by = parameters["by"]

        ### START CODE HERE ### (≈2 lines)
        # compute next activation state using the formula given above
        a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
        # compute output of the current cell using the formula given above
        yt_pred = softmax(np.dot(Wya, a_next) + by)
        ### END CODE HERE ###

        # store values you need for backward propagation in cache
        cache = (a_next, a_prev, xt, parameters)

        return a_next, yt_pred, cache
''')

CORRECT["rnn_forward"] = src('''
    # GRADED FUNCTION: rnn_forward

    def rnn_forward(x, a0, parameters):
        """
        Implement the forward propagation of the recurrent neural network described in Figure (3).

        Arguments:
        x -- Input data for every time-step, of shape (n_x, m, T_x).
        a0 -- Initial hidden state, of shape (n_a, m)
        parameters -- python dictionary containing Waa, Wax, Wya, ba, by

        Returns:
        a -- Hidden states for every time-step, numpy array of shape (n_a, m, T_x)
        y_pred -- Predictions for every time-step, numpy array of shape (n_y, m, T_x)
        caches -- tuple of values needed for the backward pass, contains (list of caches, x)
        """

        # Initialize "caches" which will contain the list of all caches
        caches = []

        # Retrieve dimensions from shapes of x and parameters["Wya"]
        n_x, m, T_x = x.shape
        n_y, n_a = parameters["Wya"].shape

        ### START CODE HERE ###

        # initialize "a" and "y" with zeros (≈2 lines)
        a = np.zeros((n_a, m, T_x))
        y_pred = np.zeros((n_y, m, T_x))

        # Initialize a_next (≈1 line)
        a_next = a0

        # loop over all time-steps
        for t in range(T_x):
            # Update next hidden state, compute the prediction, get the cache (≈1 line)
            a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
            # Save the value of the new "next" hidden state in a (≈1 line)
            a[:, :, t] = a_next
            # Save the value of the prediction in y (≈1 line)
            y_pred[:, :, t] = yt_pred
            # Append "cache" to "caches" (≈1 line)
            caches.append(cache)

        ### END CODE HERE ###

        # store values needed for backward propagation in cache
        caches = (caches, x)

        return a, y_pred, caches
''')

CORRECT["lstm_cell_forward"] = src('''
    # GRADED FUNCTION: lstm_cell_forward

    def lstm_cell_forward(xt, a_prev, c_prev, parameters):
        """
        Implement a single forward step of the LSTM-cell as described in Figure (4)

        Arguments:
        xt -- your input data at timestep "t", numpy array of shape (n_x, m).
        a_prev -- Hidden state at timestep "t-1", numpy array of shape (n_a, m)
        c_prev -- Memory state at timestep "t-1", numpy array of shape (n_a, m)
        parameters -- python dictionary containing Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by

        Returns:
        a_next -- next hidden state, of shape (n_a, m)
        c_next -- next memory state, of shape (n_a, m)
        yt_pred -- prediction at timestep "t", numpy array of shape (n_y, m)
        cache -- tuple of values needed for the backward pass, contains
                 (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
        """

        # Retrieve parameters from "parameters"
        Wf = parameters["Wf"]
        bf = parameters["bf"]
        Wi = parameters["Wi"]
        bi = parameters["bi"]
        Wc = parameters["Wc"]
        bc = parameters["bc"]
        Wo = parameters["Wo"]
        bo = parameters["bo"]
        Wy = parameters["Wy"]
        by = parameters["by"]

        # Retrieve dimensions from shapes of xt and Wy
        n_x, m = xt.shape
        n_y, n_a = Wy.shape

        ### START CODE HERE ###
        # Concatenate a_prev and xt (≈1 line)
        concat = np.concatenate((a_prev, xt), axis=0)

        # Compute values for ft, it, cct, c_next, ot, a_next using the formulas given figure (4) (≈6 lines)
        ft = sigmoid(np.dot(Wf, concat) + bf)
        it = sigmoid(np.dot(Wi, concat) + bi)
        cct = np.tanh(np.dot(Wc, concat) + bc)
        c_next = ft * c_prev + it * cct
        ot = sigmoid(np.dot(Wo, concat) + bo)
        a_next = ot * np.tanh(c_next)

        # Compute prediction of the LSTM cell (≈1 line)
        yt_pred = softmax(np.dot(Wy, a_next) + by)
        ### END CODE HERE ###

        # store values needed for backward propagation in cache
        cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)

        return a_next, c_next, yt_pred, cache
''')

CORRECT["lstm_forward"] = src('''
    # GRADED FUNCTION: lstm_forward

    def lstm_forward(x, a0, parameters):
        """
        Implement the forward propagation of the recurrent neural network using an LSTM-cell
        described in Figure (4).

        Arguments:
        x -- Input data for every time-step, of shape (n_x, m, T_x).
        a0 -- Initial hidden state, of shape (n_a, m)
        parameters -- python dictionary containing Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by

        Returns:
        a -- Hidden states for every time-step, numpy array of shape (n_a, m, T_x)
        y -- Predictions for every time-step, numpy array of shape (n_y, m, T_x)
        c -- The value of the cell state, numpy array of shape (n_a, m, T_x)
        caches -- tuple of values needed for the backward pass, contains (list of all the caches, x)
        """

        # Initialize "caches", which will track the list of all the caches
        caches = []

        ### START CODE HERE ###
        Wy = parameters["Wy"]
        # Retrieve dimensions from shapes of x and parameters['Wy'] (≈2 lines)
        n_x, m, T_x = x.shape
        n_y, n_a = Wy.shape

        # initialize "a", "c" and "y" with zeros (≈3 lines)
        a = np.zeros((n_a, m, T_x))
        c = np.zeros((n_a, m, T_x))
        y = np.zeros((n_y, m, T_x))

        # Initialize a_next and c_next (≈2 lines)
        a_next = a0
        c_next = np.zeros((n_a, m))

        # loop over all time-steps
        for t in range(T_x):
            # Get the 2D slice 'xt' from the 3D input 'x' at time step 't'
            xt = x[:, :, t]
            # Update next hidden state, next memory state, compute the prediction, get the cache (≈1 line)
            a_next, c_next, yt, cache = lstm_cell_forward(xt, a_next, c_next, parameters)
            # Save the value of the new "next" hidden state in a (≈1 line)
            a[:, :, t] = a_next
            # Save the value of the next cell state (≈1 line)
            c[:, :, t] = c_next
            # Save the value of the prediction in y (≈1 line)
            y[:, :, t] = yt
            # Append the cache into caches (≈1 line)
            caches.append(cache)
        ### END CODE HERE ###

        # store values needed for backward propagation in cache
        caches = (caches, x)

        return a, y, c, caches
''')

CORRECT["rnn_cell_backward"] = src('''
    def rnn_cell_backward(da_next, cache):
        """
        Implements the backward pass for the RNN-cell (single time-step).

        Arguments:
        da_next -- Gradient of loss with respect to next hidden state
        cache -- python dictionary containing useful values (output of rnn_cell_forward())

        Returns:
        gradients -- python dictionary containing dxt, da_prev, dWax, dWaa, dba
        """

        # Retrieve values from cache
        (a_next, a_prev, xt, parameters) = cache

        # Retrieve values from parameters
        Wax = parameters["Wax"]
        Waa = parameters["Waa"]
        Wya = parameters["Wya"]
        ba = parameters["ba"]
        by = parameters["by"]

        ### START CODE HERE ###
        # compute the gradient of tanh with respect to a_next (≈1 line)
        dtanh = (1 - a_next ** 2) * da_next

        # compute the gradient of the loss with respect to Wax (≈2 lines)
        dxt = np.dot(Wax.T, dtanh)
        dWax = np.dot(dtanh, xt.T)

        # compute the gradient with respect to Waa (≈2 lines)
        da_prev = np.dot(Waa.T, dtanh)
        dWaa = np.dot(dtanh, a_prev.T)

        # compute the gradient with respect to b (≈1 line)
        dba = np.sum(dtanh, axis=1, keepdims=True)

        ### END CODE HERE ###

        # Store the gradients in a python dictionary
        gradients = {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}

        return gradients
''')

CORRECT["rnn_backward"] = src('''
    def rnn_backward(da, caches):
        """
        Implement the backward pass for a RNN over an entire sequence of input data.

        Arguments:
        da -- Upstream gradients of all hidden states, of shape (n_a, m, T_x)
        caches -- tuple containing information from the forward pass (rnn_forward)

        Returns:
        gradients -- python dictionary containing dx, da0, dWax, dWaa, dba
        """

        ### START CODE HERE ###

        # Retrieve values from the first cache (t=1) of caches (≈2 lines)
        (caches, x) = caches
        (a1, a0, x1, parameters) = caches[0]

        # Retrieve dimensions from da's and x1's shapes (≈2 lines)
        n_a, m, T_x = da.shape
        n_x, m = x1.shape

        # initialize the gradients with the right sizes (≈6 lines)
        dx = np.zeros((n_x, m, T_x))
        dWax = np.zeros((n_a, n_x))
        dWaa = np.zeros((n_a, n_a))
        dba = np.zeros((n_a, 1))
        da0 = np.zeros((n_a, m))
        da_prevt = np.zeros((n_a, m))

        # Loop through all the time steps
        for t in reversed(range(T_x)):
            # Compute gradients at time step t. Choose wisely the "da_next" and the "cache" (≈1 line)
            gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
            # Retrieve derivatives from gradients (≈ 1 line)
            dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
            dWaxt, dWaat, dbat = gradients["dWax"], gradients["dWaa"], gradients["dba"]
            # Increment global derivatives w.r.t parameters by adding their derivative at time-step t
            dx[:, :, t] = dxt
            dWax += dWaxt
            dWaa += dWaat
            dba += dbat

        # Set da0 to the gradient of a which has been backpropagated through all time-steps (≈1 line)
        da0 = da_prevt
        ### END CODE HERE ###

        # Store the gradients in a python dictionary
        gradients = {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}

        return gradients
''')

CORRECT["lstm_cell_backward"] = src('''
    def lstm_cell_backward(da_next, dc_next, cache):
        """
        Implement the backward pass for the LSTM-cell (single time-step).

        Arguments:
        da_next -- Gradients of next hidden state, of shape (n_a, m)
        dc_next -- Gradients of next cell state, of shape (n_a, m)
        cache -- cache storing information from the forward pass

        Returns:
        gradients -- python dictionary containing dxt, da_prev, dc_prev, dWf, dbf, dWi, dbi,
                     dWc, dbc, dWo, dbo
        """

        # Retrieve information from "cache"
        (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache

        ### START CODE HERE ###
        # Retrieve dimensions from xt's and a_next's shape (≈2 lines)
        n_x, m = xt.shape
        n_a, m = a_next.shape

        # Compute gates related derivatives (≈5 lines)
        dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
        dot = da_next * np.tanh(c_next) * ot * (1 - ot)
        dcct = dc * it * (1 - cct ** 2)
        dit = dc * cct * it * (1 - it)
        dft = dc * c_prev * ft * (1 - ft)

        # Compute parameters related derivatives. (≈8 lines)
        concat = np.concatenate((a_prev, xt), axis=0)
        dWf = np.dot(dft, concat.T)
        dWi = np.dot(dit, concat.T)
        dWc = np.dot(dcct, concat.T)
        dWo = np.dot(dot, concat.T)
        dbf = np.sum(dft, axis=1, keepdims=True)
        dbi = np.sum(dit, axis=1, keepdims=True)
        dbc = np.sum(dcct, axis=1, keepdims=True)
        dbo = np.sum(dot, axis=1, keepdims=True)

        # Compute derivatives w.r.t previous hidden state, previous memory state and input (≈3 lines)
        Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]
        da_prev = (np.dot(Wf[:, :n_a].T, dft) + np.dot(Wi[:, :n_a].T, dit)
                   + np.dot(Wc[:, :n_a].T, dcct) + np.dot(Wo[:, :n_a].T, dot))
        dc_prev = dc * ft
        dxt = (np.dot(Wf[:, n_a:].T, dft) + np.dot(Wi[:, n_a:].T, dit)
               + np.dot(Wc[:, n_a:].T, dcct) + np.dot(Wo[:, n_a:].T, dot))
        ### END CODE HERE ###

        # Save gradients in dictionary
        gradients = {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                     "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}

        return gradients
''')

CORRECT["lstm_backward"] = src('''
    def lstm_backward(da, caches):
        """
        Implement the backward pass for the RNN with LSTM-cell (over a whole sequence).

        Arguments:
        da -- Gradients w.r.t the hidden states, numpy-array of shape (n_a, m, T_x)
        caches -- cache storing information from the forward pass (lstm_forward)

        Returns:
        gradients -- python dictionary containing dx, da0, dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo
        """

        # Retrieve values from the first cache (t=1) of caches.
        (caches, x) = caches
        (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]

        ### START CODE HERE ###
        # Retrieve dimensions from da's and x1's shapes (≈2 lines)
        n_a, m, T_x = da.shape
        n_x, m = x1.shape

        # initialize the gradients with the right sizes (≈12 lines)
        dx = np.zeros((n_x, m, T_x))
        da0 = np.zeros((n_a, m))
        da_prevt = np.zeros((n_a, m))
        dc_prevt = np.zeros((n_a, m))
        dWf = np.zeros((n_a, n_a + n_x))
        dWi = np.zeros((n_a, n_a + n_x))
        dWc = np.zeros((n_a, n_a + n_x))
        dWo = np.zeros((n_a, n_a + n_x))
        dbf = np.zeros((n_a, 1))
        dbi = np.zeros((n_a, 1))
        dbc = np.zeros((n_a, 1))
        dbo = np.zeros((n_a, 1))

        # loop back over the whole sequence
        for t in reversed(range(T_x)):
            # Compute all gradients using lstm_cell_backward
            gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
            # Store or add the gradient to the parameters' previous step's gradient
            da_prevt = gradients["da_prev"]
            dc_prevt = gradients["dc_prev"]
            dx[:, :, t] = gradients["dxt"]
            dWf += gradients["dWf"]
            dWi += gradients["dWi"]
            dWc += gradients["dWc"]
            dWo += gradients["dWo"]
            dbf += gradients["dbf"]
            dbi += gradients["dbi"]
            dbc += gradients["dbc"]
            dbo += gradients["dbo"]
        # Set the first activation's gradient to the backpropagated gradient da_prev.
        da0 = da_prevt

        ### END CODE HERE ###

        # Store the gradients in a python dictionary
        gradients = {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                     "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}

        return gradients
''')

CORRECT["initialize_adam"] = src('''
    # GRADED FUNCTION: initialize_adam

    def initialize_adam(parameters):
        """
        Initializes v and s as two python dictionaries with:
                    - keys: "dW1", "db1", ..., "dWL", "dbL"
                    - values: numpy arrays of zeros of the same shape as the corresponding
                      gradients/parameters.

        Arguments:
        parameters -- python dictionary containing your parameters W1, b1, ..., WL, bL

        Returns:
        v -- python dictionary that will contain the exponentially weighted average of the gradient.
        s -- python dictionary that will contain the exponentially weighted average of the squared gradient.
        """

        L = len(parameters) // 2  # number of layers in the neural networks
        v = {}
        s = {}

        # Initialize v, s. Input: "parameters". Outputs: "v, s".
        for l in range(L):
            ### START CODE HERE ### (approx. 4 lines)
            v["dW" + str(l + 1)] = np.zeros(parameters["W" + str(l + 1)].shape)
            v["db" + str(l + 1)] = np.zeros(parameters["b" + str(l + 1)].shape)
            s["dW" + str(l + 1)] = np.zeros(parameters["W" + str(l + 1)].shape)
            s["db" + str(l + 1)] = np.zeros(parameters["b" + str(l + 1)].shape)
            ### END CODE HERE ###

        return v, s
''')

CORRECT["update_parameters_with_adam"] = src('''
    # GRADED FUNCTION: update_parameters_with_adam

    def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                    beta1=0.9, beta2=0.999, epsilon=1e-8):
        """
        Update parameters using Adam

        Arguments:
        parameters -- python dictionary containing your parameters W1, b1, ..., WL, bL
        grads -- python dictionary containing your gradients dW1, db1, ..., dWL, dbL
        v -- Adam variable, moving average of the first gradient, python dictionary
        s -- Adam variable, moving average of the squared gradient, python dictionary
        t -- Adam counter (number of steps taken so far)
        learning_rate -- the learning rate, scalar.
        beta1 -- Exponential decay hyperparameter for the first moment estimates
        beta2 -- Exponential decay hyperparameter for the second moment estimates
        epsilon -- hyperparameter preventing division by zero in Adam updates

        Returns:
        parameters, v, s -- the updated dictionaries
        """

        L = len(parameters) // 2  # number of layers in the neural networks
        v_corrected = {}  # Initializing first moment estimate, python dictionary
        s_corrected = {}  # Initializing second moment estimate, python dictionary

        # Perform Adam update on all parameters
        for l in range(1, L + 1):
            for p in ["W", "b"]:
                key = p + str(l)
                dkey = "d" + p + str(l)
                ### START CODE HERE ### (approx. 5 lines)
                # Moving average of the gradients, and its bias-corrected version
                v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]
                v_corrected[dkey] = v[dkey] / (1 - beta1 ** t)
                # Moving average of the squared gradients, and its bias-corrected version
                s[dkey] = beta2 * s[dkey] + (1 - beta2) * np.square(grads[dkey])
                s_corrected[dkey] = s[dkey] / (1 - beta2 ** t)
                # Update parameters
                parameters[key] = parameters[key] - learning_rate * v_corrected[dkey] / (
                    np.sqrt(s_corrected[dkey]) + epsilon)
                ### END CODE HERE ###

        return parameters, v, s
''')


# ---------------------------------------------------------------------------------------------
# Alternative correct solutions (other vintages and other ways of writing the same thing)
# ---------------------------------------------------------------------------------------------

VARIANTS: dict[str, dict[str, str]] = {name: {"classic": CORRECT[name]} for name in FUNCS}

VARIANTS["rnn_cell_forward"]["matmul"] = src('''
    # GRADED FUNCTION: rnn_cell_forward

    def rnn_cell_forward(xt, a_prev, parameters):
        """
        Implements a single forward step of the RNN-cell as described in Figure (2)

        Returns a_next (n_a, m), yt_pred (n_y, m) and cache = (a_next, a_prev, xt, parameters)
        """
        # Retrieve parameters from "parameters"
        Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
        ba, by = parameters["ba"], parameters["by"]

        ### START CODE HERE ### (≈2 lines)
        a_next = np.tanh(Wax @ xt + Waa @ a_prev + ba)
        yt_pred = softmax(Wya @ a_next + by)
        ### END CODE HERE ###

        # store values you need for backward propagation in cache
        cache = (a_next, a_prev, xt, parameters)

        return a_next, yt_pred, cache
''')

# uses the helper `linear` defined in its own cell (see HELPER_LINEAR)
VARIANTS["rnn_cell_forward"]["helper"] = src('''
    # GRADED FUNCTION: rnn_cell_forward

    def rnn_cell_forward(xt, a_prev, parameters):
        """Single forward step of the RNN cell. cache = (a_next, a_prev, xt, parameters)"""
        ### START CODE HERE ### (≈2 lines)
        z = linear(parameters["Wax"], xt) + linear(parameters["Waa"], a_prev, parameters["ba"])
        a_next = np.tanh(z)
        yt_pred = softmax(linear(parameters["Wya"], a_next, parameters["by"]))
        ### END CODE HERE ###
        cache = (a_next, a_prev, xt, parameters)
        return a_next, yt_pred, cache
''')

VARIANTS["rnn_forward"]["stack"] = src('''
    # GRADED FUNCTION: rnn_forward

    def rnn_forward(x, a0, parameters):
        """
        Forward propagation of the RNN over the whole sequence x of shape (n_x, m, T_x).

        Returns a (n_a, m, T_x), y_pred (n_y, m, T_x) and caches = (list of caches, x)
        """
        caches = []
        T_x = x.shape[2]

        ### START CODE HERE ###
        a_list = []
        y_list = []
        a_next = a0
        for t in range(T_x):
            a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
            a_list.append(a_next)
            y_list.append(yt_pred)
            caches.append(cache)
        # put the time axis last
        a = np.stack(a_list, axis=2)
        y_pred = np.stack(y_list, axis=-1)
        ### END CODE HERE ###

        caches = (caches, x)
        return a, y_pred, caches
''')

VARIANTS["rnn_forward"]["ellipsis"] = src('''
    # GRADED FUNCTION: rnn_forward

    def rnn_forward(x, a0, parameters):
        """
        Implement the forward propagation of the recurrent neural network described in Figure (3).
        """
        caches = []
        n_a, m = a0.shape
        n_y = parameters["by"].shape[0]
        T_x = x.shape[-1]

        ### START CODE HERE ###
        a = np.zeros((n_a, m, T_x))
        y_pred = np.zeros((n_y, m, T_x))
        a_prev = a0
        for t in range(T_x):
            xt = x[..., t]
            a[..., t], y_pred[..., t], cache = rnn_cell_forward(xt, a_prev, parameters)
            a_prev = a[..., t]
            caches.append(cache)
        ### END CODE HERE ###

        caches = (caches, x)
        return a, y_pred, caches
''')

VARIANTS["lstm_cell_forward"]["vstack"] = src('''
    # GRADED FUNCTION: lstm_cell_forward

    def lstm_cell_forward(xt, a_prev, c_prev, parameters):
        """
        Implement a single forward step of the LSTM-cell as described in Figure (4)

        cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
        """
        p = parameters

        ### START CODE HERE ###
        # Concatenate a_prev and xt (≈1 line)
        concat = np.vstack([a_prev, xt])

        # Compute values for ft, it, cct, c_next, ot, a_next (≈6 lines)
        ft = sigmoid(p["Wf"] @ concat + p["bf"])
        it = sigmoid(p["Wi"] @ concat + p["bi"])
        cct = np.tanh(p["Wc"] @ concat + p["bc"])
        c_next = ft * c_prev + it * cct
        ot = sigmoid(p["Wo"] @ concat + p["bo"])
        a_next = ot * np.tanh(c_next)

        # Compute prediction of the LSTM cell (≈1 line)
        yt_pred = softmax(p["Wy"] @ a_next + p["by"])
        ### END CODE HERE ###

        cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
        return a_next, c_next, yt_pred, cache
''')

VARIANTS["lstm_cell_forward"]["slices"] = src('''
    # GRADED FUNCTION: lstm_cell_forward

    def lstm_cell_forward(xt, a_prev, c_prev, parameters):
        """
        Implement a single forward step of the LSTM-cell as described in Figure (4)
        """
        Wf, bf = parameters["Wf"], parameters["bf"]
        Wi, bi = parameters["Wi"], parameters["bi"]
        Wc, bc = parameters["Wc"], parameters["bc"]
        Wo, bo = parameters["Wo"], parameters["bo"]
        Wy, by = parameters["Wy"], parameters["by"]

        n_x, m = xt.shape
        n_a = a_prev.shape[0]

        ### START CODE HERE ###
        # Concatenate a_prev and xt (≈3 lines)
        concat = np.zeros((n_a + n_x, m))
        concat[: n_a, :] = a_prev
        concat[n_a :, :] = xt

        ft = sigmoid(np.dot(Wf, concat) + bf)
        it = sigmoid(np.dot(Wi, concat) + bi)
        cct = np.tanh(np.dot(Wc, concat) + bc)
        c_next = np.multiply(ft, c_prev) + np.multiply(it, cct)
        ot = sigmoid(np.dot(Wo, concat) + bo)
        a_next = np.multiply(ot, np.tanh(c_next))

        yt_pred = softmax(np.dot(Wy, a_next) + by)
        ### END CODE HERE ###

        cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
        return a_next, c_next, yt_pred, cache
''')

# uses the helper `linear` defined in its own cell (see HELPER_LINEAR)
VARIANTS["lstm_cell_forward"]["helper"] = src('''
    # GRADED FUNCTION: lstm_cell_forward

    def lstm_cell_forward(xt, a_prev, c_prev, parameters):
        """Single forward step of the LSTM cell (Figure 4)."""
        ### START CODE HERE ###
        concat = np.concatenate([a_prev, xt])
        ft = sigmoid(linear(parameters["Wf"], concat, parameters["bf"]))
        it = sigmoid(linear(parameters["Wi"], concat, parameters["bi"]))
        cct = np.tanh(linear(parameters["Wc"], concat, parameters["bc"]))
        c_next = ft * c_prev + it * cct
        ot = sigmoid(linear(parameters["Wo"], concat, parameters["bo"]))
        a_next = ot * np.tanh(c_next)
        yt_pred = softmax(linear(parameters["Wy"], a_next, parameters["by"]))
        ### END CODE HERE ###
        cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
        return a_next, c_next, yt_pred, cache
''')

VARIANTS["lstm_forward"]["stack"] = src('''
    # GRADED FUNCTION: lstm_forward

    def lstm_forward(x, a0, parameters):
        """
        Forward propagation of the LSTM over the whole sequence.

        Returns a, y, c (each with the time axis last) and caches = (list of caches, x)
        """
        caches = []

        ### START CODE HERE ###
        n_a, m = a0.shape
        a_next = a0
        c_next = np.zeros_like(a0)
        a_list, c_list, y_list = [], [], []
        for t in range(x.shape[2]):
            a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
            a_list.append(a_next)
            c_list.append(c_next)
            y_list.append(yt)
            caches.append(cache)
        a = np.stack(a_list, axis=2)
        c = np.stack(c_list, axis=2)
        y = np.stack(y_list, axis=2)
        ### END CODE HERE ###

        caches = (caches, x)
        return a, y, c, caches
''')

VARIANTS["lstm_forward"]["wy_rows"] = src('''
    # GRADED FUNCTION: lstm_forward

    def lstm_forward(x, a0, parameters):
        """
        Implement the forward propagation of the recurrent neural network using an LSTM-cell
        """
        caches = []

        ### START CODE HERE ###
        n_x, m, T_x = x.shape
        n_a = a0.shape[0]

        a = np.zeros((n_a, m, T_x))
        c = np.zeros((n_a, m, T_x))
        y = np.zeros((parameters["Wy"].shape[0], m, T_x))

        a_next = a0
        c_next = np.zeros(a_next.shape)

        for t in range(T_x):
            a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
            a[:, :, t] = a_next
            c[:, :, t] = c_next
            y[:, :, t] = yt
            caches.append(cache)
        ### END CODE HERE ###

        caches = (caches, x)
        return a, y, c, caches
''')

VARIANTS["rnn_cell_backward"]["recompute"] = src('''
    # GRADED FUNCTION: rnn_cell_backward

    def rnn_cell_backward(da_next, cache):
        """
        Implements the backward pass for the RNN-cell (single time-step).

        Returns gradients -- python dictionary containing dxt, da_prev, dWax, dWaa, dba
        """
        a_next, a_prev, xt, parameters = cache
        Wax, Waa, ba = parameters["Wax"], parameters["Waa"], parameters["ba"]

        ### START CODE HERE ###
        # derivative of tanh at the pre-activation (recomputed from the inputs)
        z = Wax @ xt + Waa @ a_prev + ba
        dtanh = da_next * (1 - np.tanh(z) ** 2)

        dxt = Wax.T @ dtanh
        dWax = dtanh @ xt.T

        da_prev = Waa.T @ dtanh
        dWaa = dtanh @ a_prev.T

        dba = np.sum(dtanh, axis=1, keepdims=True)
        ### END CODE HERE ###

        return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
''')

VARIANTS["rnn_cell_backward"]["multiply"] = src('''
    def rnn_cell_backward(da_next, cache):
        """
        Implements the backward pass for the RNN-cell (single time-step).
        """
        (a_next, a_prev, xt, parameters) = cache
        Wax = parameters["Wax"]
        Waa = parameters["Waa"]

        ### START CODE HERE ###
        dtanh = np.multiply(da_next, 1 - np.square(a_next))
        dxt = np.dot(Wax.T, dtanh)
        dWax = np.dot(dtanh, xt.T)
        da_prev = np.dot(Waa.T, dtanh)
        dWaa = np.dot(dtanh, a_prev.T)
        dba = dtanh.sum(axis=1).reshape(-1, 1)
        ### END CODE HERE ###

        gradients = {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        return gradients
''')

VARIANTS["rnn_backward"]["countdown"] = src('''
    # GRADED FUNCTION: rnn_backward

    def rnn_backward(da, caches):
        """
        Implement the backward pass for a RNN over an entire sequence of input data.

        Returns gradients -- python dictionary containing dx, da0, dWax, dWaa, dba
        """
        ### START CODE HERE ###
        caches, x = caches
        a1, a0, x1, parameters = caches[0]
        n_a, m, T_x = da.shape
        n_x = x.shape[0]

        dx = np.zeros((n_x, m, T_x))
        dWax = np.zeros_like(parameters["Wax"])
        dWaa = np.zeros_like(parameters["Waa"])
        dba = np.zeros_like(parameters["ba"])
        da_prevt = np.zeros((n_a, m))

        for t in range(T_x - 1, -1, -1):
            grads = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
            da_prevt = grads["da_prev"]
            dx[:, :, t] = grads["dxt"]
            dWax = dWax + grads["dWax"]
            dWaa = dWaa + grads["dWaa"]
            dba = dba + grads["dba"]

        da0 = da_prevt
        ### END CODE HERE ###

        return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
''')

VARIANTS["lstm_cell_backward"]["stacked"] = src('''
    # GRADED FUNCTION: lstm_cell_backward

    def lstm_cell_backward(da_next, dc_next, cache):
        """
        Implement the backward pass for the LSTM-cell (single time-step).

        The four gates are handled at once by stacking them (f, i, c, o) on top of each other.
        """
        (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
        n_a = a_next.shape[0]

        ### START CODE HERE ###
        tanh_c = np.tanh(c_next)
        dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
        dot = da_next * tanh_c * ot * (1 - ot)
        dcct = dc * it * (1 - cct ** 2)
        dit = dc * cct * it * (1 - it)
        dft = dc * c_prev * ft * (1 - ft)

        concat = np.vstack([a_prev, xt])
        dgates = np.vstack([dft, dit, dcct, dot])  # (4 n_a, m)
        W = np.vstack([parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]])

        dW = dgates @ concat.T
        db = np.sum(dgates, axis=1, keepdims=True)
        dconcat = W.T @ dgates
        da_prev = dconcat[:n_a]
        dxt = dconcat[n_a:]
        dc_prev = dc * ft
        ### END CODE HERE ###

        dWf, dWi, dWc, dWo = np.split(dW, 4, axis=0)
        dbf, dbi, dbc, dbo = np.split(db, 4, axis=0)
        gradients = {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                     "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        return gradients
''')

VARIANTS["lstm_cell_backward"]["gate_loop"] = src('''
    def lstm_cell_backward(da_next, dc_next, cache):
        """
        Implement the backward pass for the LSTM-cell (single time-step).
        """
        a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
        n_a = a_prev.shape[0]
        concat = np.concatenate((a_prev, xt), axis=0)

        ### START CODE HERE ###
        dc = dc_next + da_next * ot * (1 - np.square(np.tanh(c_next)))
        dgate = {
            "f": dc * c_prev * ft * (1 - ft),
            "i": dc * cct * it * (1 - it),
            "c": dc * it * (1 - np.square(cct)),
            "o": da_next * np.tanh(c_next) * ot * (1 - ot),
        }
        gradients = {"dc_prev": dc * ft, "da_prev": 0, "dxt": 0}
        for g, d in dgate.items():
            W = parameters["W" + g]
            gradients["dW" + g] = d @ concat.T
            gradients["db" + g] = np.sum(d, axis=1, keepdims=True)
            gradients["da_prev"] = gradients["da_prev"] + W[:, :n_a].T @ d
            gradients["dxt"] = gradients["dxt"] + W[:, n_a:].T @ d
        ### END CODE HERE ###

        return gradients
''')

VARIANTS["lstm_backward"]["key_loop"] = src('''
    # GRADED FUNCTION: lstm_backward

    def lstm_backward(da, caches):
        """
        Implement the backward pass for the RNN with LSTM-cell (over a whole sequence).
        """
        caches, x = caches
        parameters = caches[0][-1]

        ### START CODE HERE ###
        n_a, m, T_x = da.shape
        n_x = x.shape[0]

        names = ["Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo"]
        totals = {"d" + name: np.zeros_like(parameters[name]) for name in names}
        dx = np.zeros((n_x, m, T_x))
        da_prevt = np.zeros((n_a, m))
        dc_prevt = np.zeros((n_a, m))

        for t in range(T_x - 1, -1, -1):
            g = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
            for k in totals:
                totals[k] += g[k]
            dx[:, :, t] = g["dxt"]
            da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
        ### END CODE HERE ###

        gradients = {"dx": dx, "da0": da_prevt}
        gradients.update(totals)
        return gradients
''')

VARIANTS["initialize_adam"]["fstring"] = src('''
    # GRADED FUNCTION: initialize_adam

    def initialize_adam(parameters) :
        """
        Initializes v and s as two python dictionaries with keys "dW1", "db1", ..., "dWL", "dbL"
        and zero arrays of the same shapes as the corresponding parameters.
        """
        L = len(parameters) // 2  # number of layers in the neural networks
        v = {}
        s = {}

        for l in range(1, L + 1):
        # (approx. 4 lines)
            v[f"dW{l}"] = np.zeros_like(parameters[f"W{l}"])
            v[f"db{l}"] = np.zeros_like(parameters[f"b{l}"])
            s[f"dW{l}"] = np.zeros_like(parameters[f"W{l}"])
            s[f"db{l}"] = np.zeros_like(parameters[f"b{l}"])
        # YOUR CODE ENDS HERE

        return v, s
''')

VARIANTS["initialize_adam"]["comprehension"] = src('''
    # GRADED FUNCTION: initialize_adam

    def initialize_adam(parameters):
        """
        Initializes v and s (zero arrays with keys dW1, db1, ..., dWL, dbL).
        """
        ### START CODE HERE ### (approx. 4 lines)
        v = {"d" + name: np.zeros_like(value) for name, value in parameters.items()}
        s = {"d" + name: np.zeros_like(value) for name, value in parameters.items()}
        ### END CODE HERE ###
        return v, s
''')

VARIANTS["update_parameters_with_adam"]["fstring5"] = src('''
    # GRADED FUNCTION: update_parameters_with_adam

    def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate = 0.01,
                                    beta1 = 0.9, beta2 = 0.999,  epsilon = 1e-8):
        """
        Update parameters using Adam

        Returns:
        parameters, v, s -- updated dictionaries
        v_corrected, s_corrected -- bias-corrected moment estimates
        """
        L = len(parameters) // 2
        v_corrected = {}
        s_corrected = {}

        for l in range(1, L + 1):
            for p in ("W", "b"):
                g = grads[f"d{p}{l}"]
                # (approx. 2 lines)
                v[f"d{p}{l}"] = beta1 * v[f"d{p}{l}"] + (1 - beta1) * g
                v_corrected[f"d{p}{l}"] = v[f"d{p}{l}"] / (1 - beta1**t)
                # (approx. 2 lines)
                s[f"d{p}{l}"] = beta2 * s[f"d{p}{l}"] + (1 - beta2) * g**2
                s_corrected[f"d{p}{l}"] = s[f"d{p}{l}"] / (1 - beta2**t)
                # (approx. 1 line)
                step = v_corrected[f"d{p}{l}"] / (np.sqrt(s_corrected[f"d{p}{l}"]) + epsilon)
                parameters[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * step
            # YOUR CODE ENDS HERE

        return parameters, v, s, v_corrected, s_corrected
''')

VARIANTS["update_parameters_with_adam"]["inplace"] = src('''
    # GRADED FUNCTION: update_parameters_with_adam

    def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                    beta1=0.9, beta2=0.999, epsilon=1e-8):
        """
        Update parameters using Adam (epsilon under the square root, like in the paper's
        numerically safer form).
        """
        L = len(parameters) // 2
        v_corrected = {}
        s_corrected = {}

        for l in range(L):
            W, b = "W" + str(l + 1), "b" + str(l + 1)
            ### START CODE HERE ###
            for name in (W, b):
                v["d" + name] = beta1 * v["d" + name] + (1 - beta1) * grads["d" + name]
                s["d" + name] = beta2 * s["d" + name] + (1 - beta2) * (grads["d" + name] ** 2)
                v_corrected["d" + name] = v["d" + name] / (1 - np.power(beta1, t))
                s_corrected["d" + name] = s["d" + name] / (1 - np.power(beta2, t))
                parameters[name] -= learning_rate * v_corrected["d" + name] / np.sqrt(
                    s_corrected["d" + name] + epsilon)
            ### END CODE HERE ###

        return parameters, v, s, v_corrected, s_corrected
''')

VARIANTS["update_parameters_with_adam"]["new_dicts"] = src('''
    # GRADED FUNCTION: update_parameters_with_adam

    def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                    beta1=0.9, beta2=0.999, epsilon=1e-8):
        """
        Update parameters using Adam. Builds new dictionaries instead of modifying the inputs.
        """
        new_parameters, new_v, new_s = {}, {}, {}
        ### START CODE HERE ###
        for key, value in parameters.items():
            g = grads["d" + key]
            new_v["d" + key] = beta1 * v["d" + key] + (1 - beta1) * g
            new_s["d" + key] = beta2 * s["d" + key] + (1 - beta2) * g * g
            v_hat = new_v["d" + key] / (1 - beta1 ** t)
            s_hat = new_s["d" + key] / (1 - beta2 ** t)
            new_parameters[key] = value - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
        ### END CODE HERE ###
        return new_parameters, new_v, new_s
''')

# uses the module-level constants of CONSTANTS_CELL as default arguments
VARIANTS["update_parameters_with_adam"]["constants"] = src('''
    # GRADED FUNCTION: update_parameters_with_adam

    def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=LEARNING_RATE,
                                    beta1=BETA1, beta2=BETA2, epsilon=EPSILON):
        """
        Update parameters using Adam
        """
        L = len(parameters) // 2
        v_corrected = {}
        s_corrected = {}
        for l in range(1, L + 1):
            for key in ("dW" + str(l), "db" + str(l)):
                ### START CODE HERE ###
                v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
                v_corrected[key] = v[key] / (1 - beta1 ** t)
                s[key] = beta2 * s[key] + (1 - beta2) * np.power(grads[key], 2)
                s_corrected[key] = s[key] / (1 - beta2 ** t)
                parameters[key[1:]] = parameters[key[1:]] - learning_rate * v_corrected[key] / (
                    np.sqrt(s_corrected[key]) + epsilon)
                ### END CODE HERE ###
        return parameters, v, s
''')

HELPER_LINEAR = src('''
    # small helper so I don't have to write np.dot(W, x) + b everywhere
    def linear(W, x, b=None):
        out = np.dot(W, x)
        if b is not None:
            out = out + b
        return out
''')

CONSTANTS_CELL = src('''
    # Adam hyperparameters (I use the same ones everywhere)
    LEARNING_RATE = 0.01
    BETA1 = 0.9
    BETA2 = 0.999
    EPSILON = 1e-8
''')

OWN_SOFTMAX = src('''
    # my own softmax (numerically stable version, column-wise since examples are columns)
    def softmax(x):
        e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
        return e_x / np.sum(e_x, axis=0, keepdims=True)
''')

# Style sets: one snippet per function.
STYLE_CLASSIC = {name: "classic" for name in FUNCS}
STYLE_MODERN = {
    "rnn_cell_forward": "matmul",
    "rnn_forward": "stack",
    "lstm_cell_forward": "vstack",
    "lstm_forward": "stack",
    "rnn_cell_backward": "recompute",
    "rnn_backward": "countdown",
    "lstm_cell_backward": "stacked",
    "lstm_backward": "key_loop",
    "initialize_adam": "fstring",
    "update_parameters_with_adam": "fstring5",
}


def style(base: dict[str, str], **overrides: str) -> dict[str, str]:
    chosen = {**base, **overrides}
    return {name: VARIANTS[name][chosen[name]] for name in FUNCS}


# ---------------------------------------------------------------------------------------------
# Mistakes: the canonical snippet with one replacement
# ---------------------------------------------------------------------------------------------


def replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"{old!r} occurs {text.count(old)} times in the snippet")
    return text.replace(old, new)


def mistake(name: str, *pairs: tuple[str, str]) -> str:
    text = CORRECT[name]
    for old, new in pairs:
        text = replace_once(text, old, new)
    return text


@dataclass
class Mistake:
    slug: str
    func: str
    source: str
    why: str


MISTAKES = [
    # --- rnn_cell_forward
    Mistake("rnn_cell_forward_no_bias", "rnn_cell_forward", mistake(
        "rnn_cell_forward",
        ("np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)",
         "np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt))")),
        "the bias ba is missing from the hidden-state pre-activation"),
    Mistake("rnn_cell_forward_softmax_axis1", "rnn_cell_forward", mistake(
        "rnn_cell_forward",
        ("    yt_pred = softmax(np.dot(Wya, a_next) + by)\n",
         "    z = np.dot(Wya, a_next) + by\n"
         "    yt_pred = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)\n")),
        "hand-written softmax normalises over axis 1 (the batch) instead of axis 0"),
    Mistake("rnn_cell_forward_cache_order", "rnn_cell_forward", mistake(
        "rnn_cell_forward",
        ("cache = (a_next, a_prev, xt, parameters)", "cache = (a_prev, a_next, xt, parameters)")),
        "cache stores a_prev and a_next in swapped order"),
    # --- rnn_forward
    Mistake("rnn_forward_reuses_a0", "rnn_forward", mistake(
        "rnn_forward",
        ("rnn_cell_forward(x[:, :, t], a_next, parameters)", "rnn_cell_forward(x[:, :, t], a0, parameters)")),
        "every time step starts from a0 instead of carrying the previous hidden state"),
    Mistake("rnn_forward_range_short", "rnn_forward", mistake(
        "rnn_forward", ("for t in range(T_x):", "for t in range(T_x - 1):")),
        "loops over range(T_x - 1), so the last time step is never computed"),
    # --- lstm_cell_forward
    Mistake("lstm_cell_forward_concat_order", "lstm_cell_forward", mistake(
        "lstm_cell_forward",
        ("np.concatenate((a_prev, xt), axis=0)", "np.concatenate((xt, a_prev), axis=0)")),
        "concatenates [xt; a_prev] instead of [a_prev; xt]"),
    Mistake("lstm_cell_forward_output_gate_tanh", "lstm_cell_forward", mistake(
        "lstm_cell_forward",
        ("ot = sigmoid(np.dot(Wo, concat) + bo)", "ot = np.tanh(np.dot(Wo, concat) + bo)")),
        "output gate uses tanh instead of sigmoid"),
    Mistake("lstm_cell_forward_no_input_gate", "lstm_cell_forward", mistake(
        "lstm_cell_forward", ("c_next = ft * c_prev + it * cct", "c_next = ft * c_prev + cct")),
        "c_next = ft*c_prev + cct: the candidate is not multiplied by the update gate it"),
    # --- lstm_forward
    Mistake("lstm_forward_c_from_zeros", "lstm_forward", mistake(
        "lstm_forward",
        ("lstm_cell_forward(xt, a_next, c_next, parameters)",
         "lstm_cell_forward(xt, a_next, c[:, :, t], parameters)")),
        "passes c[:, :, t] (still zeros) as c_prev, so the cell state is never carried over"),
    Mistake("lstm_forward_c_stores_a", "lstm_forward", mistake(
        "lstm_forward", ("c[:, :, t] = c_next", "c[:, :, t] = a_next")),
        "copy-paste slip: stores a_next into c instead of c_next"),
    # --- rnn_cell_backward
    Mistake("rnn_cell_backward_tanh_twice", "rnn_cell_backward", mistake(
        "rnn_cell_backward",
        ("dtanh = (1 - a_next ** 2) * da_next", "dtanh = (1 - np.tanh(a_next) ** 2) * da_next")),
        "applies tanh to a_next again in the derivative (1 - tanh(a_next)**2)"),
    Mistake("rnn_cell_backward_dba_axis0", "rnn_cell_backward", mistake(
        "rnn_cell_backward",
        ("dba = np.sum(dtanh, axis=1, keepdims=True)", "dba = np.sum(dtanh, axis=0, keepdims=True)")),
        "dba sums over axis 0 (hidden units) instead of over the batch"),
    Mistake("rnn_cell_backward_dwaa_a_next", "rnn_cell_backward", mistake(
        "rnn_cell_backward", ("dWaa = np.dot(dtanh, a_prev.T)", "dWaa = np.dot(dtanh, a_next.T)")),
        "dWaa uses a_next instead of a_prev"),
    # --- rnn_backward
    Mistake("rnn_backward_assigns", "rnn_backward", mistake(
        "rnn_backward",
        ("        dWax += dWaxt\n        dWaa += dWaat\n        dba += dbat\n",
         "        dWax = dWaxt\n        dWaa = dWaat\n        dba = dbat\n")),
        "weight gradients are assigned at each step instead of accumulated"),
    Mistake("rnn_backward_no_da_prevt", "rnn_backward", mistake(
        "rnn_backward",
        ("rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])",
         "rnn_cell_backward(da[:, :, t], caches[t])")),
        "does not add the gradient flowing back from the next step (da_prevt)"),
    # --- lstm_cell_backward
    Mistake("lstm_cell_backward_no_dc_next", "lstm_cell_backward", mistake(
        "lstm_cell_backward",
        ("dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)",
         "dc = da_next * ot * (1 - np.tanh(c_next) ** 2)")),
        "the cell-state gradient dc ignores the incoming dc_next"),
    Mistake("lstm_cell_backward_swapped_blocks", "lstm_cell_backward", mistake(
        "lstm_cell_backward",
        ("    da_prev = (np.dot(Wf[:, :n_a].T, dft) + np.dot(Wi[:, :n_a].T, dit)\n"
         "               + np.dot(Wc[:, :n_a].T, dcct) + np.dot(Wo[:, :n_a].T, dot))\n",
         "    da_prev = (np.dot(Wf[:, n_x:].T, dft) + np.dot(Wi[:, n_x:].T, dit)\n"
         "               + np.dot(Wc[:, n_x:].T, dcct) + np.dot(Wo[:, n_x:].T, dot))\n"),
        ("    dxt = (np.dot(Wf[:, n_a:].T, dft) + np.dot(Wi[:, n_a:].T, dit)\n"
         "           + np.dot(Wc[:, n_a:].T, dcct) + np.dot(Wo[:, n_a:].T, dot))\n",
         "    dxt = (np.dot(Wf[:, :n_x].T, dft) + np.dot(Wi[:, :n_x].T, dit)\n"
         "           + np.dot(Wc[:, :n_x].T, dcct) + np.dot(Wo[:, :n_x].T, dot))\n")),
        "slices W as if concat were [xt; a_prev]: dxt and da_prev come from the wrong blocks"),
    Mistake("lstm_cell_backward_dft_c_next", "lstm_cell_backward", mistake(
        "lstm_cell_backward",
        ("dft = dc * c_prev * ft * (1 - ft)", "dft = dc * c_next * ft * (1 - ft)")),
        "forget-gate gradient uses c_next instead of c_prev"),
    # --- lstm_backward
    Mistake("lstm_backward_no_da_prevt", "lstm_backward", mistake(
        "lstm_backward",
        ("lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])",
         "lstm_cell_backward(da[:, :, t], dc_prevt, caches[t])")),
        "does not add da_prevt to the upstream gradient of each step"),
    Mistake("lstm_backward_drops_dc_prevt", "lstm_backward", mistake(
        "lstm_backward", ('        dc_prevt = gradients["dc_prev"]\n', "")),
        "never updates dc_prevt, so the cell-state gradient is not carried back in time"),
    # --- initialize_adam
    Mistake("initialize_adam_s_is_v", "initialize_adam", mistake(
        "initialize_adam",
        ('        s["dW" + str(l + 1)] = np.zeros(parameters["W" + str(l + 1)].shape)\n'
         '        s["db" + str(l + 1)] = np.zeros(parameters["b" + str(l + 1)].shape)\n', ""),
        ("    return v, s", "    s = v  # s starts at zero too\n\n    return v, s")),
        "s = v: both moments are the same dictionary object"),
    Mistake("initialize_adam_s_ones", "initialize_adam", mistake(
        "initialize_adam",
        ('s["dW" + str(l + 1)] = np.zeros(parameters["W" + str(l + 1)].shape)',
         's["dW" + str(l + 1)] = np.ones(parameters["W" + str(l + 1)].shape)'),
        ('s["db" + str(l + 1)] = np.zeros(parameters["b" + str(l + 1)].shape)',
         's["db" + str(l + 1)] = np.ones(parameters["b" + str(l + 1)].shape)')),
        "s is initialised with ones instead of zeros"),
    # --- update_parameters_with_adam
    Mistake("adam_t_plus_one", "update_parameters_with_adam", mistake(
        "update_parameters_with_adam",
        ("(1 - beta1 ** t)", "(1 - beta1 ** (t + 1))"), ("(1 - beta2 ** t)", "(1 - beta2 ** (t + 1))")),
        "bias correction uses t + 1 instead of t"),
    Mistake("adam_betas_swapped", "update_parameters_with_adam", mistake(
        "update_parameters_with_adam",
        ("v[dkey] / (1 - beta1 ** t)", "v[dkey] / (1 - beta2 ** t)"),
        ("s[dkey] / (1 - beta2 ** t)", "s[dkey] / (1 - beta1 ** t)")),
        "bias corrections use beta2 for v and beta1 for s"),
    Mistake("adam_grad_not_squared", "update_parameters_with_adam", mistake(
        "update_parameters_with_adam",
        ("(1 - beta2) * np.square(grads[dkey])", "(1 - beta2) * grads[dkey]")),
        "second moment s accumulates the gradient instead of its square"),
]

# The README sample: two realistic mistakes.
SAMPLE_LOSES = ["rnn_cell_forward", "rnn_backward"]
SAMPLE_FUNCS = style(STYLE_MODERN, rnn_forward="classic", lstm_cell_forward="classic")
SAMPLE_FUNCS["rnn_cell_forward"] = replace_once(
    VARIANTS["rnn_cell_forward"]["matmul"],
    "a_next = np.tanh(Wax @ xt + Waa @ a_prev + ba)", "a_next = np.tanh(Wax @ xt + Waa @ a_prev)")
SAMPLE_FUNCS["rnn_backward"] = replace_once(
    VARIANTS["rnn_backward"]["countdown"],
    '        dWax = dWax + grads["dWax"]\n'
    '        dWaa = dWaa + grads["dWaa"]\n'
    '        dba = dba + grads["dba"]\n',
    '        dWax = grads["dWax"]\n'
    '        dWaa = grads["dWaa"]\n'
    '        dba = grads["dba"]\n')


# ---------------------------------------------------------------------------------------------
# Markdown, demo cells and unit-test cells
# ---------------------------------------------------------------------------------------------

INTRO = {
    "2018": src("""
        # Building your Recurrent Neural Network - Step by Step

        Welcome to Course 5's first assignment! In this assignment, you will implement your first
        Recurrent Neural Network in numpy, then an LSTM, their backward passes, and finally the Adam
        optimizer that you will use to train them.

        **Notation**:
        - Superscript $\\langle t \\rangle$ denotes an object at the $t^{th}$ time-step.
        - Subscript $i$ denotes the $i^{th}$ entry of a vector.

        Let's first import all the packages that you will need during this assignment.
    """),
    "2020": src("""
        # Building your Recurrent Neural Network - Step by Step

        Welcome to Course 5's first assignment, where you'll be implementing key components of a
        Recurrent Neural Network, or RNN, in NumPy!

        **Instructions:**
        - Do not modify any of the codes.
        - Only fill in code between `### START CODE HERE ###` and `### END CODE HERE ###`.
        - Each example is a column: `xt` has shape $(n_x, m)$ and a whole sequence $(n_x, m, T_x)$.

        ## Packages
    """),
    "2021": src("""
        # Building your Recurrent Neural Network - Step by Step

        Welcome to Course 5's first assignment, where you'll be implementing key components of a
        Recurrent Neural Network, or RNN, in NumPy!

        By the end of this assignment, you'll be able to:

        * Define notation for building sequence models
        * Describe the architecture of a basic RNN and of an LSTM
        * Implement the forward and backward passes of both, and the Adam optimizer

        ## Table of Contents
        - [Packages](#0)
        - [1 - Forward Propagation for the Basic RNN](#1)
        - [2 - Long Short-Term Memory (LSTM) Network](#2)
        - [3 - Backpropagation in Recurrent Neural Networks](#3)
        - [4 - Adam](#4)

        <a name='0'></a>
        ## Packages
    """),
}

IMPORTS = {
    "2018": "import numpy as np\nfrom rnn_utils import *",
    "2020": "import numpy as np\nfrom rnn_utils import *\nfrom public_tests import *",
    "2021": "import numpy as np\nfrom rnn_utils import *\nfrom public_tests import *",
}

# (section heading shown before the function, exercise title, instructions)
SECTIONS = {
    "rnn_cell_forward": ("1 - Forward Propagation for the Basic Recurrent Neural Network", "RNN cell", r"""
        A recurrent neural network can be seen as the repeated use of a single cell. Implement the
        computations of a single time step:

        1. Compute the hidden state with tanh activation:
           $a^{\langle t \rangle} = \tanh(W_{aa} a^{\langle t-1 \rangle}
           + W_{ax} x^{\langle t \rangle} + b_a)$.
        2. Compute the prediction
           $\hat{y}^{\langle t \rangle} = softmax(W_{ya} a^{\langle t \rangle} + b_y)$.
           We provided the function `softmax`.
        3. Store $(a^{\langle t \rangle}, a^{\langle t-1 \rangle}, x^{\langle t \rangle}, parameters)$
           in a `cache`.
        4. Return $a^{\langle t \rangle}$, $\hat{y}^{\langle t \rangle}$ and `cache`.
    """),
    "rnn_forward": (None, "RNN forward pass", r"""
        Implement the forward propagation of the RNN over $T_x$ time steps:

        1. Create a 3D array of zeros, $a$ of shape $(n_{a}, m, T_{x})$ that will store all the hidden
           states, and $\hat{y}$ of shape $(n_{y}, m, T_{x})$ for the predictions.
        2. Initialize the 2D hidden state `a_next` by setting it equal to the initial hidden state $a_{0}$.
        3. At each time step $t$, call `rnn_cell_forward`, store the hidden state and the prediction,
           and add the cache to the list of caches.
        4. Return $a$, $\hat{y}$ and `caches = (list of caches, x)`.
    """),
    "lstm_cell_forward": ("2 - Long Short-Term Memory (LSTM) Network", "LSTM cell", r"""
        Implement the LSTM cell. Concatenate the hidden state and the input into a single matrix,
        $concat = \begin{bmatrix} a^{\langle t-1 \rangle} \\ x^{\langle t \rangle} \end{bmatrix}$
        (`a_prev` on top), then compute the forget gate $\Gamma_f$, the update gate $\Gamma_i$, the
        candidate $\tilde{c}$, the cell state $c^{\langle t \rangle} = \Gamma_f * c^{\langle t-1 \rangle}
        + \Gamma_i * \tilde{c}$, the output gate $\Gamma_o$ and
        $a^{\langle t \rangle} = \Gamma_o * \tanh(c^{\langle t \rangle})$.

        Use the provided `sigmoid` for the gates and `np.tanh` for the candidate.
    """),
    "lstm_forward": (None, "Forward pass for LSTM", r"""
        Implement `lstm_forward()` to run an LSTM over $T_x$ time steps. The initial cell state
        $c^{\langle 0 \rangle}$ is initialized with zeros. Return the hidden states, the predictions,
        the cell states and `caches = (list of caches, x)`.
    """),
    "rnn_cell_backward": ("3 - Backpropagation in Recurrent Neural Networks (OPTIONAL / UNGRADED)",
                          "Basic RNN backward pass", r"""
        Implement the backward pass of a single RNN cell. `da_next` is the gradient of the loss with
        respect to $a^{\langle t \rangle}$. Recall that the derivative of $\tanh(u)$ is
        $1 - \tanh(u)^2$ and that $a^{\langle t \rangle}$ is already the $\tanh$ of the pre-activation.
        Sum `dba` over the batch (axis 1) and keep its shape $(n_a, 1)$.
    """),
    "rnn_backward": (None, "Backward pass through the RNN", r"""
        Compute the gradients over the whole sequence by going backward in time, starting at
        $T_x - 1$. At each step add the gradient coming from the later time step (`da_prevt`) to the
        upstream gradient `da[:, :, t]`, and **accumulate** the gradients of the shared parameters.
        `da0` is the gradient that has been backpropagated all the way to $a^{\langle 0 \rangle}$.
    """),
    "lstm_cell_backward": (None, "LSTM backward pass", r"""
        Implement the backward pass of one LSTM cell. The gate derivatives are
        $d\Gamma_o = da_{next} * \tanh(c_{next}) * \Gamma_o * (1 - \Gamma_o)$,
        $dc = dc_{next} + da_{next} * \Gamma_o * (1 - \tanh(c_{next})^2)$,
        $d\tilde{c} = dc * \Gamma_i * (1 - \tilde{c}^2)$,
        $d\Gamma_i = dc * \tilde{c} * \Gamma_i * (1 - \Gamma_i)$ and
        $d\Gamma_f = dc * c_{prev} * \Gamma_f * (1 - \Gamma_f)$.
        The parameter gradients are $dW_* = d\Gamma_* \cdot concat^T$; for `da_prev` and `dxt` use
        the first $n_a$ columns and the last $n_x$ columns of each $W_*$ respectively.
    """),
    "lstm_backward": (None, "Backward pass through the LSTM RNN", r"""
        Go backward in time calling `lstm_cell_backward` at each step with `da[:, :, t] + da_prevt`
        and `dc_prevt` (both start at zeros), and accumulate the parameter gradients.
    """),
    "initialize_adam": ("4 - Adam", "initialize_adam", r"""
        Adam keeps an exponentially weighted average of the past gradients (`v`) and of the past
        squared gradients (`s`). Initialize `v` and `s`: python dictionaries with keys
        `"dW1"`, `"db1"`, ..., `"dWL"`, `"dbL"` whose values are numpy arrays of zeros of the same
        shape as the corresponding parameters.
    """),
    "update_parameters_with_adam": (None, "update_parameters_with_adam", r"""
        Implement the Adam update rule, for $l = 1, ..., L$:

        $v_{dW^{[l]}} = \beta_1 v_{dW^{[l]}}
        + (1 - \beta_1) \frac{\partial \mathcal{J} }{ \partial W^{[l]} }$,
        $v^{corrected}_{dW^{[l]}} = \frac{v_{dW^{[l]}}}{1 - (\beta_1)^t}$,
        $s_{dW^{[l]}} = \beta_2 s_{dW^{[l]}}
        + (1 - \beta_2) (\frac{\partial \mathcal{J} }{\partial W^{[l]} })^2$,
        $s^{corrected}_{dW^{[l]}} = \frac{s_{dW^{[l]}}}{1 - (\beta_2)^t}$,
        $W^{[l]} = W^{[l]}
        - \alpha \frac{v^{corrected}_{dW^{[l]}}}{\sqrt{s^{corrected}_{dW^{[l]}}} + \varepsilon}$
    """),
}

RNN_PARAMS = "\n" + src("""
    parameters{s} = {}
    parameters{s}['Waa'] = np.random.randn(5, 5)
    parameters{s}['Wax'] = np.random.randn(5, 3)
    parameters{s}['Wya'] = np.random.randn(2, 5)
    parameters{s}['ba'] = np.random.randn(5, 1)
    parameters{s}['by'] = np.random.randn(2, 1)
""")
LSTM_PARAMS = "\n" + src("""
    parameters{s} = {}
    parameters{s}['Wf'] = np.random.randn(5, 5 + 3)
    parameters{s}['bf'] = np.random.randn(5, 1)
    parameters{s}['Wi'] = np.random.randn(5, 5 + 3)
    parameters{s}['bi'] = np.random.randn(5, 1)
    parameters{s}['Wo'] = np.random.randn(5, 5 + 3)
    parameters{s}['bo'] = np.random.randn(5, 1)
    parameters{s}['Wc'] = np.random.randn(5, 5 + 3)
    parameters{s}['bc'] = np.random.randn(5, 1)
    parameters{s}['Wy'] = np.random.randn(2, 5)
    parameters{s}['by'] = np.random.randn(2, 1)
""")
ADAM_PARAMS = "\n" + src("""
    parameters{s} = {}
    parameters{s}['W1'] = np.random.randn(2, 3)
    parameters{s}['b1'] = np.random.randn(2, 1)
    parameters{s}['W2'] = np.random.randn(3, 3)
    parameters{s}['b2'] = np.random.randn(3, 1)
""")

# function -> (setup code, call line, [(label, expression), ...]); "{s}" is "" or "_tmp"
DEMOS = {
    "rnn_cell_forward": (
        "xt{s} = np.random.randn(3, 10)\na_prev{s} = np.random.randn(5, 10)" + RNN_PARAMS,
        "a_next{s}, yt_pred{s}, cache{s} = rnn_cell_forward(xt{s}, a_prev{s}, parameters{s})",
        [("a_next[4]", "a_next{s}[4]"), ("a_next.shape", "a_next{s}.shape"),
         ("yt_pred[1]", "yt_pred{s}[1]"), ("yt_pred.shape", "yt_pred{s}.shape")]),
    "rnn_forward": (
        "x{s} = np.random.randn(3, 10, 4)\na0{s} = np.random.randn(5, 10)" + RNN_PARAMS,
        "a{s}, y_pred{s}, caches{s} = rnn_forward(x{s}, a0{s}, parameters{s})",
        [("a[4][1]", "a{s}[4][1]"), ("a.shape", "a{s}.shape"), ("y_pred[1][3]", "y_pred{s}[1][3]"),
         ("y_pred.shape", "y_pred{s}.shape"), ("caches[1][1][3]", "caches{s}[1][1][3]"),
         ("len(caches)", "len(caches{s})")]),
    "lstm_cell_forward": (
        "xt{s} = np.random.randn(3, 10)\na_prev{s} = np.random.randn(5, 10)\n"
        "c_prev{s} = np.random.randn(5, 10)" + LSTM_PARAMS,
        "a_next{s}, c_next{s}, yt{s}, cache{s} = "
        "lstm_cell_forward(xt{s}, a_prev{s}, c_prev{s}, parameters{s})",
        [("a_next[4]", "a_next{s}[4]"), ("a_next.shape", "a_next{s}.shape"), ("c_next[2]", "c_next{s}[2]"),
         ("c_next.shape", "c_next{s}.shape"), ("yt[1]", "yt{s}[1]"), ("yt.shape", "yt{s}.shape"),
         ("cache[1][3]", "cache{s}[1][3]"), ("len(cache)", "len(cache{s})")]),
    "lstm_forward": (
        "x{s} = np.random.randn(3, 10, 7)\na0{s} = np.random.randn(5, 10)" + LSTM_PARAMS,
        "a{s}, y{s}, c{s}, caches{s} = lstm_forward(x{s}, a0{s}, parameters{s})",
        [("a[4][3][6]", "a{s}[4][3][6]"), ("a.shape", "a{s}.shape"), ("y[1][4][3]", "y{s}[1][4][3]"),
         ("y.shape", "y{s}.shape"), ("caches[1][1][1]", "caches{s}[1][1][1]"),
         ("c[1][2][1]", "c{s}[1][2][1]"), ("len(caches)", "len(caches{s})")]),
    "rnn_cell_backward": (
        "xt{s} = np.random.randn(3, 10)\na_prev{s} = np.random.randn(5, 10)" + RNN_PARAMS
        + "\na_next{s}, yt{s}, cache{s} = rnn_cell_forward(xt{s}, a_prev{s}, parameters{s})\n"
        "da_next{s} = np.random.randn(5, 10)",
        "gradients{s} = rnn_cell_backward(da_next{s}, cache{s})",
        [("gradients['dxt'][1][2]", "gradients{s}['dxt'][1][2]"),
         ("gradients['dxt'].shape", "gradients{s}['dxt'].shape"),
         ("gradients['da_prev'][2][3]", "gradients{s}['da_prev'][2][3]"),
         ("gradients['dWax'][3][1]", "gradients{s}['dWax'][3][1]"),
         ("gradients['dWaa'][1][2]", "gradients{s}['dWaa'][1][2]"),
         ("gradients['dba'][4]", "gradients{s}['dba'][4]"),
         ("gradients['dba'].shape", "gradients{s}['dba'].shape")]),
    "rnn_backward": (
        "x{s} = np.random.randn(3, 10, 4)\na0{s} = np.random.randn(5, 10)" + RNN_PARAMS
        + "\na{s}, y{s}, caches{s} = rnn_forward(x{s}, a0{s}, parameters{s})\n"
        "da{s} = np.random.randn(5, 10, 4)",
        "gradients{s} = rnn_backward(da{s}, caches{s})",
        [("gradients['dx'][1][2]", "gradients{s}['dx'][1][2]"),
         ("gradients['dx'].shape", "gradients{s}['dx'].shape"),
         ("gradients['da0'][2][3]", "gradients{s}['da0'][2][3]"),
         ("gradients['dWax'][3][1]", "gradients{s}['dWax'][3][1]"),
         ("gradients['dWaa'][1][2]", "gradients{s}['dWaa'][1][2]"),
         ("gradients['dba'][4]", "gradients{s}['dba'][4]")]),
    "lstm_cell_backward": (
        "xt{s} = np.random.randn(3, 10)\na_prev{s} = np.random.randn(5, 10)\n"
        "c_prev{s} = np.random.randn(5, 10)" + LSTM_PARAMS
        + "\na_next{s}, c_next{s}, yt{s}, cache{s} = lstm_cell_forward(xt{s}, a_prev{s}, c_prev{s}, "
        "parameters{s})\nda_next{s} = np.random.randn(5, 10)\ndc_next{s} = np.random.randn(5, 10)",
        "gradients{s} = lstm_cell_backward(da_next{s}, dc_next{s}, cache{s})",
        [("gradients['dxt'][1][2]", "gradients{s}['dxt'][1][2]"),
         ("gradients['da_prev'][2][3]", "gradients{s}['da_prev'][2][3]"),
         ("gradients['dc_prev'][2][3]", "gradients{s}['dc_prev'][2][3]"),
         ("gradients['dWf'][3][1]", "gradients{s}['dWf'][3][1]"),
         ("gradients['dbf'][4]", "gradients{s}['dbf'][4]"),
         ("gradients['dWo'][1][2]", "gradients{s}['dWo'][1][2]"),
         ("gradients['dbo'][4]", "gradients{s}['dbo'][4]")]),
    "lstm_backward": (
        "x{s} = np.random.randn(3, 10, 7)\na0{s} = np.random.randn(5, 10)" + LSTM_PARAMS
        + "\na{s}, y{s}, c{s}, caches{s} = lstm_forward(x{s}, a0{s}, parameters{s})\n"
        "da{s} = np.random.randn(5, 10, 7)",
        "gradients{s} = lstm_backward(da{s}, caches{s})",
        [("gradients['dx'][1][2]", "gradients{s}['dx'][1][2]"),
         ("gradients['dx'].shape", "gradients{s}['dx'].shape"),
         ("gradients['da0'][2][3]", "gradients{s}['da0'][2][3]"),
         ("gradients['dWf'][3][1]", "gradients{s}['dWf'][3][1]"),
         ("gradients['dbf'][4]", "gradients{s}['dbf'][4]"),
         ("gradients['dWi'][1][2]", "gradients{s}['dWi'][1][2]"),
         ("gradients['dbo'][4]", "gradients{s}['dbo'][4]")]),
    "initialize_adam": (
        ADAM_PARAMS,
        "v{s}, s{s} = initialize_adam(parameters{s})",
        [("v['dW1']", "v{s}['dW1']"), ("v['db1']", "v{s}['db1']"), ("s['dW2']", "s{s}['dW2']"),
         ("s['db2']", "s{s}['db2']")]),
    "update_parameters_with_adam": (
        ADAM_PARAMS + "\n" + src("""
        grads{s} = {}
        grads{s}['dW1'] = np.random.randn(2, 3)
        grads{s}['db1'] = np.random.randn(2, 1)
        grads{s}['dW2'] = np.random.randn(3, 3)
        grads{s}['db2'] = np.random.randn(3, 1)
        v{s}, s{s} = initialize_adam(parameters{s})
        t{s} = 2
        """),
        "{results} = update_parameters_with_adam(parameters{s}, grads{s}, v{s}, s{s}, t{s})",
        [("W1", "parameters{s}['W1']"), ("b2", "parameters{s}['b2']"), ("v['dW1']", "v{s}['dW1']"),
         ("s['db2']", "s{s}['db2']")]),
}

UNIT_TESTS = {
    "rnn_cell_forward": "rnn_cell_forward_tests(rnn_cell_forward)",
    "rnn_forward": "rnn_forward_test(rnn_forward)",
    "lstm_cell_forward": "lstm_cell_forward_test(lstm_cell_forward)",
    "lstm_forward": "lstm_forward_test(lstm_forward)",
}

Cell = tuple[str, str]  # (kind, source); kinds: md, import, def, demo, test, magic, shell, train


def demo_cell(name: str, vintage: str, update_snippet: str) -> Cell:
    setup, call, prints = DEMOS[name]
    s = "" if vintage == "2018" else "_tmp"
    five = "v_corrected, s_corrected" in update_snippet.split("return")[-1]
    results = "parameters{s}, v{s}, s{s}" + (", vc{s}, sc{s}" if five else "")
    lines = ["np.random.seed(1)", src(setup), "", call.replace("{results}", results)]
    for label, expr in prints:
        if vintage == "2018":
            lines.append(f'print("{label} = ", {expr})')
        elif vintage == "2020":
            lines.append(f'print("{label} = \\n", {expr})')
        else:
            lines.append(f'print(f"{label} = {{{expr}}}")')
    return "demo", "\n".join(lines).replace("{s}", s)


def section_cells(name: str, vintage: str, number: int) -> list[Cell]:
    heading, title, body = SECTIONS[name]
    cells: list[Cell] = []
    chapter = FUNCS.index(name) // 2 + 1
    if heading is not None:
        anchor = "" if vintage == "2018" else f"<a name='{chapter}'></a>\n"
        cells.append(("md", f"{anchor}## {heading}"))
    if vintage == "2018":
        sub = FUNCS.index(name) % 2 + 1
        text = f"### {chapter}.{sub} - {title}\n\n**Exercise**: {src(body)}"
    else:
        text = f"<a name='ex-{number}'></a>\n### Exercise {number} - {name}\n\n{src(body)}"
    cells.append(("md", text))
    return cells


@dataclass
class Spec:
    name: str
    vintage: str
    funcs: dict[str, str]
    loses: list[str] = field(default_factory=list)
    why: str = ""
    import_extra: str = ""
    preamble: list[Cell] = field(default_factory=list)
    before: dict[str, list[Cell]] = field(default_factory=dict)
    after: dict[str, list[Cell]] = field(default_factory=dict)
    epilogue: list[Cell] = field(default_factory=list)
    outputs: bool = False


def cells_for(spec: Spec) -> list[Cell]:
    v = spec.vintage
    imports = IMPORTS[v] + ("\n" + spec.import_extra if spec.import_extra else "")
    cells: list[Cell] = [("md", INTRO[v]), ("import", imports), *spec.preamble]
    for number, name in enumerate(FUNCS, start=1):
        cells += spec.before.get(name, [])
        cells += section_cells(name, v, number)
        cells.append(("def", spec.funcs[name]))
        cells.append(demo_cell(name, v, spec.funcs["update_parameters_with_adam"]))
        if v != "2018" and name in UNIT_TESTS:
            comment = "# UNIT TESTS" if v == "2020" else "# UNIT TEST"
            cells.append(("test", f"{comment}\n{UNIT_TESTS[name]}"))
        cells += spec.after.get(name, [])
    cells += spec.epilogue
    if v == "2018":
        cells.append(("md", "**Congratulations!** You have built an RNN and an LSTM from scratch, "
                            "backpropagated through them and implemented Adam."))
    else:
        cells.append(("md", "### Congratulations!\n\nYou've successfully built the forward and "
                            "backward passes of a basic RNN and an LSTM, and the Adam update."))
    return cells


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------

REDEFINE_NOTE = ("md", "**Note to self:** the gradient check below did not match, "
                       "I forgot that `a_next` is already `tanh(...)`. Fixed version:")
ADAM_REDEFINE_NOTE = ("md", "I forgot the bias correction in my first version, here is the fixed one "
                            "(this cell replaces the one above).")
RNN_CELL_BACKWARD_FIRST_TRY = next(m.source for m in MISTAKES if m.slug == "rnn_cell_backward_tanh_twice")
ADAM_FIRST_TRY = mistake(
    "update_parameters_with_adam",
    ("v_corrected[dkey] = v[dkey] / (1 - beta1 ** t)", "v_corrected[dkey] = v[dkey]"),
    ("s_corrected[dkey] = s[dkey] / (1 - beta2 ** t)", "s_corrected[dkey] = s[dkey]"))

TIMED_CELL = ("magic", src("""
    %%time
    # how long does a longer sequence take?
    np.random.seed(3)
    n_x, n_a, n_y, m, T_x = 10, 32, 10, 64, 50
    params_big = {}
    for gate in "fico":
        params_big["W" + gate] = np.random.randn(n_a, n_a + n_x) * 0.1
        params_big["b" + gate] = np.zeros((n_a, 1))
    params_big["Wy"] = np.random.randn(n_y, n_a) * 0.1
    params_big["by"] = np.zeros((n_y, 1))
    x_big = np.random.randn(n_x, m, T_x)
    a_big, y_big, c_big, caches_big = lstm_forward(x_big, np.zeros((n_a, m)), params_big)
    print(a_big.shape, y_big.shape)
"""))

TIMEIT_CELL = ("magic", "%timeit rnn_cell_forward(xt_tmp, a_prev_tmp, parameters_tmp)")

PIP_CELL = ("shell", "!pip list 2>/dev/null | grep -i numpy")

TRAIN_CELL = ("train", src("""
    # Let's see if the loss goes down when training on random data with my functions.
    # WARNING: this takes forever, stop the kernel after a few prints!
    np.random.seed(0)
    n_x, n_a, n_y, m, T_x = 27, 50, 27, 16, 25
    X_train = np.random.randn(n_x, m, T_x)
    params = {"Wax": np.random.randn(n_a, n_x) * 0.01, "Waa": np.random.randn(n_a, n_a) * 0.01,
              "Wya": np.random.randn(n_y, n_a) * 0.01, "ba": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1))}
    a0_train = np.zeros((n_a, m))
    for i in range(10**9):
        a, y_pred, caches = rnn_forward(X_train, a0_train, params)
        loss = -np.sum(np.log(y_pred[0] + 1e-12)) / m
        da = np.random.randn(*a.shape) * 0.01
        grads = rnn_backward(da, caches)
        for name in ("Wax", "Waa", "ba"):
            params[name] -= 0.01 * grads["d" + name]
        if i % 1000 == 0:
            print("iteration", i, "loss", loss)
"""))


def correct_specs() -> list[Spec]:
    return [
        Spec("correct_01_classic_2018", "2018", style(STYLE_CLASSIC), outputs=True,
             why="2018 notebook: np.dot, loops, np.concatenate, Adam returning 3 values, str() keys"),
        Spec("correct_02_modern_2021", "2021", style(STYLE_MODERN),
             why="2021 notebook: @, np.vstack, list+np.stack, recomputed dtanh, stacked LSTM gates, "
                 "f-string keys, Adam returning 5 values"),
        Spec("correct_03_slices_inplace_2020", "2020", style(
            STYLE_CLASSIC, rnn_forward="ellipsis", lstm_cell_forward="slices", lstm_forward="wy_rows",
            rnn_cell_backward="multiply", lstm_cell_backward="gate_loop", initialize_adam="comprehension",
            update_parameters_with_adam="inplace"),
             why="concat by slicing into zeros, y sized from Wy.shape[0], epsilon inside the sqrt, "
                 "in-place parameter updates, dict-comprehension Adam init"),
        Spec("correct_04_own_softmax_2021", "2021", style(
            STYLE_MODERN, rnn_cell_forward="classic", lstm_forward="wy_rows", rnn_cell_backward="classic",
            lstm_cell_backward="classic", rnn_backward="classic", update_parameters_with_adam="new_dicts"),
             preamble=[("md", "I wrote my own softmax to understand it better."), ("def", OWN_SOFTMAX)],
             why="student-defined softmax (axis 0) overriding the import; Adam building new dicts"),
        Spec("correct_05_helpers_constants_2020", "2020", style(
            STYLE_MODERN, rnn_cell_forward="helper", lstm_cell_forward="helper", rnn_cell_backward="classic",
            initialize_adam="classic", update_parameters_with_adam="constants"),
             before={"rnn_cell_forward": [("def", HELPER_LINEAR)],
                     "initialize_adam": [("def", CONSTANTS_CELL)]},
             why="forward cells use a helper defined in another cell; Adam defaults from module constants"),
        Spec("correct_06_redefined_2018", "2018", {
            **style(STYLE_CLASSIC, lstm_cell_backward="stacked"),
            "rnn_cell_backward": RNN_CELL_BACKWARD_FIRST_TRY,
            "update_parameters_with_adam": ADAM_FIRST_TRY},
             after={
                 "rnn_cell_backward": [REDEFINE_NOTE, ("def", CORRECT["rnn_cell_backward"])],
                 "update_parameters_with_adam": [ADAM_REDEFINE_NOTE,
                                                 ("def", CORRECT["update_parameters_with_adam"])],
             },
             why="rnn_cell_backward and the Adam update are first written wrong, then redefined correctly"),
        Spec("correct_07_magics_2021", "2021", style(
            STYLE_MODERN, rnn_cell_backward="multiply", initialize_adam="comprehension",
            lstm_cell_forward="slices", update_parameters_with_adam="inplace"),
             import_extra="%matplotlib inline\n%load_ext autoreload\n%autoreload 2",
             preamble=[PIP_CELL],
             after={"rnn_cell_forward": [TIMEIT_CELL], "lstm_forward": [TIMED_CELL]},
             why="IPython magics: %matplotlib, %autoreload, !pip, %timeit and a %%time cell"),
        Spec("correct_08_training_loop_2020", "2020", style(
            STYLE_CLASSIC, rnn_cell_forward="matmul", lstm_backward="key_loop",
            update_parameters_with_adam="fstring5"),
             after={"rnn_backward": [("md", "### Trying it out"), TRAIN_CELL]},
             why="a top-level 10**9-iteration training loop between the exercises (must not run)"),
        Spec("correct_09_new_dicts_2018", "2018", style(
            STYLE_CLASSIC, rnn_forward="stack", rnn_backward="countdown", lstm_cell_backward="stacked",
            lstm_backward="key_loop", initialize_adam="comprehension",
            update_parameters_with_adam="new_dicts"),
             why="list+np.stack forward, countdown loops, stacked LSTM gates, Adam returning new dicts"),
    ]


MISTAKE_BASES = [
    ("2018", STYLE_CLASSIC),
    ("2020", {**STYLE_CLASSIC, "rnn_forward": "ellipsis", "lstm_forward": "wy_rows",
              "initialize_adam": "fstring", "update_parameters_with_adam": "fstring5"}),
    ("2021", STYLE_MODERN),
]


def mistake_specs() -> list[Spec]:
    specs = []
    for i, m in enumerate(MISTAKES):
        vintage, base = MISTAKE_BASES[i % len(MISTAKE_BASES)]
        funcs = style(base)
        funcs[m.func] = m.source
        specs.append(Spec(f"mistake_{m.slug}", vintage, funcs, loses=[m.func], why=m.why))
    return specs


def sample_spec() -> Spec:
    return Spec("sample_submission", "2021", dict(SAMPLE_FUNCS), loses=list(SAMPLE_LOSES),
                why="sample: missing bias in rnn_cell_forward, rnn_backward assigns instead of accumulating")


# ---------------------------------------------------------------------------------------------
# Self-check: grade every function of every notebook against the canonical solutions
# ---------------------------------------------------------------------------------------------


def _softmax(x):
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e_x / e_x.sum(axis=0, keepdims=True)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def python_source(kind: str, text: str) -> str | None:
    """The plain-Python part of a code cell as run by the self-check (None: not run)."""
    if kind in ("md", "test", "shell", "train"):
        return None
    lines = text.splitlines()
    if lines and lines[0].startswith("%%"):
        lines = lines[1:]
    skipped = ("%", "!", "from rnn_utils", "from public_tests")
    keep = [ln for ln in lines if not ln.lstrip().startswith(skipped)]
    return "\n".join(keep)


def fresh_namespace() -> dict:
    return {"__name__": "__submission__", "np": np, "softmax": _softmax, "sigmoid": _sigmoid}


def definitions(cells: list[Cell]) -> dict:
    ns = fresh_namespace()
    for kind, text in cells:
        if kind in ("import", "def"):
            exec(compile(python_source(kind, text) or "", "<cell>", "exec"), ns)
    return ns


def reference() -> dict:
    ns = fresh_namespace()
    for name in FUNCS:
        exec(compile(CORRECT[name], f"<{name}>", "exec"), ns)
    return ns


def same(got, exp) -> bool:
    if isinstance(exp, dict):
        return isinstance(got, dict) and set(got) == set(exp) and all(same(got[k], exp[k]) for k in exp)
    if isinstance(exp, (tuple, list)):
        return (isinstance(got, (tuple, list)) and len(got) == len(exp)
                and all(same(g, e) for g, e in zip(got, exp, strict=True)))
    if isinstance(exp, np.ndarray):
        got = np.asarray(got)
        return got.shape == exp.shape and bool(np.allclose(got, exp, rtol=1e-6, atol=1e-9))
    return bool(got == exp)


def _rnn_params(rng, n_x, n_a, n_y):
    return {"Wax": rng.standard_normal((n_a, n_x)), "Waa": rng.standard_normal((n_a, n_a)),
            "Wya": rng.standard_normal((n_y, n_a)), "ba": rng.standard_normal((n_a, 1)),
            "by": rng.standard_normal((n_y, 1))}


def _lstm_params(rng, n_x, n_a, n_y):
    p = {}
    for g in "fico":
        p["W" + g] = rng.standard_normal((n_a, n_a + n_x))
        p["b" + g] = rng.standard_normal((n_a, 1))
    p["Wy"] = rng.standard_normal((n_y, n_a))
    p["by"] = rng.standard_normal((n_y, 1))
    return p


def cases(name: str, ref: dict) -> list[tuple]:
    """Argument tuples on which `name` is compared with the canonical solution."""
    out = []
    for seed, (n_x, n_a, n_y, m, T_x) in enumerate([(3, 5, 2, 4, 6), (2, 3, 4, 1, 3), (4, 4, 3, 6, 5)]):
        rng = np.random.default_rng(seed)
        rp, lp = _rnn_params(rng, n_x, n_a, n_y), _lstm_params(rng, n_x, n_a, n_y)
        xt, x = rng.standard_normal((n_x, m)), rng.standard_normal((n_x, m, T_x))
        a_prev, c_prev = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
        da_next, dc_next = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
        da = rng.standard_normal((n_a, m, T_x))
        if name == "rnn_cell_forward":
            out.append((xt, a_prev, rp))
        elif name == "rnn_forward":
            out.append((x, a_prev, rp))
        elif name == "lstm_cell_forward":
            out.append((xt, a_prev, c_prev, lp))
        elif name == "lstm_forward":
            out.append((x, a_prev, lp))
        elif name == "rnn_cell_backward":
            out.append((da_next, ref["rnn_cell_forward"](xt, a_prev, rp)[2]))
        elif name == "rnn_backward":
            out.append((da, ref["rnn_forward"](x, a_prev, rp)[2]))
        elif name == "lstm_cell_backward":
            out.append((da_next, dc_next, ref["lstm_cell_forward"](xt, a_prev, c_prev, lp)[3]))
        elif name == "lstm_backward":
            out.append((da, ref["lstm_forward"](x, a_prev, lp)[3]))
        else:
            dims = [n_x, n_a, n_y, m][: 2 + seed]
            params, grads, v, s = {}, {}, {}, {}
            for layer in range(1, len(dims)):
                shapes = {"W": (dims[layer], dims[layer - 1]), "b": (dims[layer], 1)}
                for p, shape in shapes.items():
                    params[f"{p}{layer}"] = rng.standard_normal(shape)
                    grads[f"d{p}{layer}"] = rng.standard_normal(shape)
                    v[f"d{p}{layer}"] = 0.1 * rng.standard_normal(shape)
                    s[f"d{p}{layer}"] = 0.1 * rng.random(shape)
            if name == "initialize_adam":
                out.append((params,))
            else:
                out.append((params, grads, v, s, 1 + 3 * seed))
    return out


def grade(name: str, func, ref: dict) -> bool:
    """True when `func` behaves like the canonical solution of exercise `name`."""
    for args in cases(name, ref):
        exp = ref[name](*copy.deepcopy(args))
        try:
            with np.errstate(all="ignore"):
                got = func(*copy.deepcopy(args))
        except Exception:
            return False
        if name == "update_parameters_with_adam":
            if not isinstance(got, tuple) or len(got) not in (3, 5):
                return False
            if len(got) == 5:
                t = args[4]
                vc = {k: val / (1 - 0.9 ** t) for k, val in exp[1].items()}
                sc = {k: val / (1 - 0.999 ** t) for k, val in exp[2].items()}
                exp = (*exp, vc, sc)
        if not same(got, exp):
            return False
        if name == "initialize_adam":
            v, s = got
            if v is s:
                return False
            for key in v:
                v[key][...] = 1.0
            if any(np.any(arr != 0) for arr in s.values()) or any(np.any(p == 1.0) for p in args[0].values()):
                return False
    return True


def losers(cells: list[Cell], ref: dict) -> list[str]:
    """Exercises that lose points when graded one at a time with canonical helpers."""
    lost = []
    for name in FUNCS:
        ns = definitions(cells)
        for other in FUNCS:
            if other != name:
                ns[other] = ref[other]
        if not grade(name, ns[name], ref):
            lost.append(name)
    return lost


def run_demos(cells: list[Cell], strict: bool) -> dict[int, str]:
    """Run the notebook top to bottom (skipping tests, shell and training cells); stdout per cell."""
    ns = fresh_namespace()
    outputs = {}
    for index, (kind, text) in enumerate(cells):
        code = python_source(kind, text)
        if code is None or text.startswith("%timeit"):
            continue
        buffer = io.StringIO()
        try:
            with contextlib.redirect_stdout(buffer), np.errstate(all="ignore"):
                exec(compile(code, f"<cell {index}>", "exec"), ns)
        except Exception:
            if strict:
                raise
        outputs[index] = buffer.getvalue()
    return outputs


# ---------------------------------------------------------------------------------------------
# Writing notebooks
# ---------------------------------------------------------------------------------------------

KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}
PYTHON_VERSION = {"2018": "3.6.0", "2020": "3.7.6", "2021": "3.8.10"}


def cell_id(notebook: str, index: int) -> str:
    return hashlib.sha1(f"{notebook}:{index}".encode()).hexdigest()[:8]


def to_notebook(spec: Spec, cells: list[Cell], outputs: dict[int, str] | None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": KERNEL,
        "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                          "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                          "pygments_lexer": "ipython3", "version": PYTHON_VERSION[spec.vintage]},
    }
    if spec.vintage == "2018":
        nb.metadata["coursera"] = {"course_slug": "nlp-sequence-models"}
    count = 0
    for index, (kind, text) in enumerate(cells):
        cid = cell_id(spec.name, index)
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(text, id=cid))
            continue
        cell = nbformat.v4.new_code_cell(text, id=cid)
        if outputs is not None:
            count += 1
            cell.execution_count = count
            if outputs.get(index):
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=outputs[index])]
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def main(argv: list[str]) -> int:
    check = "--no-check" not in argv
    ref = reference()
    corpus = correct_specs() + mistake_specs()
    names = [spec.name for spec in corpus]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate notebook names")
    problems = []
    written = []
    for spec in [*corpus, sample_spec()]:
        cells = cells_for(spec)
        outputs = None
        if check:
            lost = losers(cells, ref)
            if lost != spec.loses:
                problems.append(f"{spec.name}: expected to lose {spec.loses}, loses {lost}")
            outputs = run_demos(cells, strict=not spec.loses)
        if spec.outputs and outputs is None:
            outputs = run_demos(cells, strict=False)
        nb = to_notebook(spec, cells, outputs if spec.outputs else None)
        path = SAMPLE_PATH if spec.name == "sample_submission" else HERE / f"{spec.name}.ipynb"
        written.append((path, nb))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    for old in HERE.glob("*.ipynb"):
        if old.stem not in names:
            old.unlink()
    for path, nb in written:
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(path))
    manifest = [{"notebook": f"{spec.name}.ipynb", "loses": spec.loses, "why": spec.why} for spec in corpus]
    (HERE / "expected.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {len(corpus)} notebooks, expected.json and {SAMPLE_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
