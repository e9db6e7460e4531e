"""Build the held-out mistakes: realistic one-mistake notebooks whose mistakes are NOT in the catalog.

Run from the repository root::

    .venv/bin/python tests/files/heldout/build.py

They measure the hints on mistakes the catalog does not know (tests/test_diagnosis.py). Each entry says
which exercise must lose points and, written down with the mistake (before any hint was seen), the
words that a hint must contain to count: ``mistake`` names the real mistake; ``where`` names where it
is, and counts only for a hint that does not claim a catalogued mistake (a wrong named mistake misleads).
``kind`` is "new" for a mistake unlike any catalogued one, "rewritten" for a catalogued kind of mistake
written differently (other code, other numbers, or only part of it).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("corpus_build", HERE.parent / "submissions" / "build.py")
assert _spec and _spec.loader
b = importlib.util.module_from_spec(_spec)
sys.modules["corpus_build"] = b
_spec.loader.exec_module(b)


def entry(slug, func, pairs, why, *, mistake=(), where=(), kind="new", before=None, rename=None, round=1):
    funcs = b.style(b.STYLE_CLASSIC)
    text = b.mistake(func, *pairs) if pairs else b.CORRECT[func]
    if rename:
        text = text.replace(f"def {func}(", f"def {rename}(")
    funcs[func] = text
    spec = b.Spec(f"heldout_{slug}", "2018", funcs, loses=[func], why=why, before=before or {})
    return spec, {"mistake": list(mistake), "where": list(where), "kind": kind, "round": round}


HELDOUT = [
    # --- rnn_cell_forward
    entry("rcf_relu", "rnn_cell_forward",
          [("a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)",
            "a_next = np.maximum(0, np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)")],
          "ReLU instead of tanh for the hidden state", mistake=["relu", "activation", "tanh"], where=["`a_next`"]),
    entry("rcf_softmax_everything", "rnn_cell_forward",
          [("    yt_pred = softmax(np.dot(Wya, a_next) + by)\n",
            "    z = np.dot(Wya, a_next) + by\n    yt_pred = np.exp(z) / np.exp(z).sum()\n")],
          "softmax normalised over the whole array instead of each column",
          mistake=["softmax", "axis"], where=["`yt_pred`"]),
    entry("rcf_cache_xt_a_prev", "rnn_cell_forward",
          [("cache = (a_next, a_prev, xt, parameters)", "cache = (a_next, xt, a_prev, parameters)")],
          "cache stores xt and a_prev in swapped order", mistake=["order"], where=["cache[1]", "cache[2]"]),
    entry("rcf_no_bias_rewritten", "rnn_cell_forward",
          [("a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)",
            "z = Wax @ xt + Waa @ a_prev\n    a_next = np.tanh(z)")],
          "bias left out, written with @ and an intermediate variable", mistake=["bias ba"], kind="rewritten"),
    # --- rnn_forward
    entry("rf_store_t_minus_1", "rnn_forward",
          [("a[:, :, t] = a_next", "a[:, :, t - 1] = a_next")],
          "stores each hidden state one slot early (a[:, :, t - 1])",
          mistake=["t - 1", "off by one", "time index"], where=["`a`"]),
    entry("rf_y_gets_a", "rnn_forward",
          [("y_pred[:, :, t] = yt_pred", "y_pred[:, :, t] = a_next[:n_y]")],
          "stores (part of) the hidden state in y_pred instead of the prediction",
          mistake=["`a`"], where=["`y_pred`"]),
    # --- lstm_cell_forward
    entry("lcf_input_gate_uses_wf", "lstm_cell_forward",
          [("it = sigmoid(np.dot(Wi, concat) + bi)", "it = sigmoid(np.dot(Wf, concat) + bf)")],
          "copy-paste: the update gate uses Wf and bf", mistake=["Wf", "copy"], where=["`it`", "cache[5]"]),
    entry("lcf_a_from_c_prev", "lstm_cell_forward",
          [("a_next = ot * np.tanh(c_next)", "a_next = ot * np.tanh(c_prev)")],
          "a_next computed from c_prev", mistake=["c_prev"], where=["`a_next`"]),
    entry("lcf_no_bc", "lstm_cell_forward",
          [("cct = np.tanh(np.dot(Wc, concat) + bc)", "cct = np.tanh(np.dot(Wc, concat))")],
          "the candidate leaves out its bias bc", mistake=["bc"], where=["`c_next`", "cct"]),
    entry("lcf_reads_notebook_wf", "lstm_cell_forward",
          [('    Wf = parameters["Wf"]\n', "")],
          "reads Wf from the notebook (set in a demo cell) instead of from parameters",
          mistake=["`Wf`"], before={"lstm_cell_forward": [("demo", 'Wf = parameters_tmp["Wf"]')]}),
    # --- lstm_forward
    entry("lf_c_reset_in_loop", "lstm_forward",
          [("        xt = x[:, :, t]\n", "        xt = x[:, :, t]\n        c_next = np.zeros((n_a, m))\n")],
          "resets the cell state to zeros at every step (written differently)",
          mistake=["cell state", "carried"], kind="rewritten"),
    entry("lf_y_from_previous_step", "lstm_forward",
          [("        y[:, :, t] = yt\n", "        if t > 0:\n            y[:, :, t - 1] = yt\n")],
          "stores each prediction one step early and never the first",
          mistake=["t - 1", "off by one", "time index"], where=["`y`"]),
    # --- rnn_cell_backward
    entry("rcb_dxt_without_dtanh", "rnn_cell_backward",
          [("dxt = np.dot(Wax.T, dtanh)", "dxt = np.dot(Wax.T, da_next)")],
          "dxt uses da_next instead of dtanh", mistake=["dtanh", "derivative"], where=["`dxt`"]),
    entry("rcb_dba_no_keepdims", "rnn_cell_backward",
          [("dba = np.sum(dtanh, axis=1, keepdims=True)", "dba = np.sum(dtanh, axis=1)")],
          "dba summed without keepdims (shape (n_a,))", mistake=["keepdims"], where=["`dba`"]),
    entry("rcb_dwax_no_transpose", "rnn_cell_backward",
          [("dWax = np.dot(dtanh, xt.T)", "dWax = np.dot(dtanh, xt)")],
          "dWax without the transpose of xt (a shape error)", mistake=["transpose", "xt.T"], where=["dWax"]),
    entry("rcb_key_typo", "rnn_cell_backward",
          [('"dWaa": dWaa', '"dWa": dWaa')],
          "gradient dict key misspelled: dWa", mistake=["did you mean `dWaa`"], kind="rewritten"),
    # --- rnn_backward
    entry("rb_skips_last_step", "rnn_backward",
          [("for t in reversed(range(T_x)):", "for t in reversed(range(T_x - 1)):")],
          "the backward loop skips the last time step", mistake=["stop early", "loop"], where=["last time step"]),
    entry("rb_assigns_dwaa_only", "rnn_backward",
          [("dWaa += dWaat", "dWaa = dWaat")],
          "dWaa assigned instead of accumulated (the others are accumulated)",
          mistake=["adding them up", "accumulat", "assign"], where=["`dWaa`"], kind="rewritten"),
    entry("rb_da_prevt_ones", "rnn_backward",
          [("da_prevt = np.zeros((n_a, m))", "da_prevt = np.ones((n_a, m))")],
          "da_prevt starts at ones instead of zeros", mistake=["ones", "zeros", "start"],
          where=["last time step"]),
    # --- lstm_cell_backward
    entry("lcb_dit_wrong_derivative", "lstm_cell_backward",
          [("dit = dc * cct * it * (1 - it)", "dit = dc * cct * it * (1 - cct)")],
          "input-gate derivative uses (1 - cct) instead of (1 - it)", mistake=["it"], where=["`dWi`", "`dbi`"]),
    entry("lcb_dc_prev_times_it", "lstm_cell_backward",
          [("dc_prev = dc * ft", "dc_prev = dc * it")],
          "dc_prev multiplied by the update gate instead of the forget gate",
          mistake=["ft"], where=["`dc_prev`"]),
    entry("lcb_dcct_square_outside", "lstm_cell_backward",
          [("dcct = dc * it * (1 - cct ** 2)", "dcct = dc * it * (1 - cct) ** 2")],
          "tanh derivative written (1 - cct)**2", mistake=["cct"], where=["`dWc`", "`dbc`"]),
    # --- lstm_backward
    entry("lb_skips_last_step", "lstm_backward",
          [("for t in reversed(range(T_x)):", "for t in reversed(range(T_x - 1)):")],
          "the backward loop skips the last time step", mistake=["stop early", "loop"], where=["last time step"]),
    entry("lb_dc_from_da", "lstm_backward",
          [('dc_prevt = gradients["dc_prev"]', 'dc_prevt = gradients["da_prev"]')],
          "carries da_prev back as the cell-state gradient", mistake=["dc_prev"],
          where=["flows back", "carried back"]),
    # --- initialize_adam
    entry("ia_b_from_previous_layer", "initialize_adam",
          [('v["db" + str(l + 1)] = np.zeros(parameters["b" + str(l + 1)].shape)',
            'v["db" + str(l + 1)] = np.zeros(parameters["b" + str(l)].shape)')],
          "v's db entries take the shape of the previous layer's b (KeyError b0 in layer 1)",
          mistake=["b0", "layer"], where=["`db"]),
    entry("ia_transposed_shapes", "initialize_adam",
          [('v["dW" + str(l + 1)] = np.zeros(parameters["W" + str(l + 1)].shape)',
            'v["dW" + str(l + 1)] = np.zeros(parameters["W" + str(l + 1)].T.shape)')],
          "v's dW entries have the transposed shape", mistake=["transpose"], where=["dW"]),
    # --- update_parameters_with_adam
    entry("adam_s_corrected_beta1", "update_parameters_with_adam",
          [("s_corrected[dkey] = s[dkey] / (1 - beta2 ** t)", "s_corrected[dkey] = s[dkey] / (1 - beta1 ** t)")],
          "s's bias correction uses beta1 (only s; v is right)", mistake=["beta1", "beta2", "bias correction"],
          where=["`parameters"], kind="rewritten"),
    entry("adam_update_with_grads", "update_parameters_with_adam",
          [("learning_rate * v_corrected[dkey] / (", "learning_rate * grads[dkey] / (")],
          "the update uses the raw gradient instead of v_corrected", mistake=["v_corrected"],
          where=["`parameters"]),
    entry("adam_correction_without_t", "update_parameters_with_adam",
          [("v[dkey] / (1 - beta1 ** t)", "v[dkey] / (1 - beta1)"),
           ("s[dkey] / (1 - beta2 ** t)", "s[dkey] / (1 - beta2)")],
          "bias correction divides by (1 - beta) without the power t",
          mistake=["bias correction", "** t", "step"], where=["`parameters"], kind="rewritten"),
    # --- the notebook itself
    entry("name_typo", "rnn_cell_forward", [], "the function is called rnn_cell_foward",
          mistake=["did you mean"], rename="rnn_cell_foward"),
]

# Round 2: written after the clues were improved on round 1, and not used to tune them.
HELDOUT += [
    entry("r2_rcf_bias_after_softmax", "rnn_cell_forward",
          [("yt_pred = softmax(np.dot(Wya, a_next) + by)", "yt_pred = softmax(np.dot(Wya, a_next)) + by")],
          "by added after the softmax", mistake=["by", "softmax"], where=["`yt_pred`"], round=2),
    entry("r2_rf_wrong_axis_input", "rnn_forward",
          [("rnn_cell_forward(x[:, :, t], a_next, parameters)", "rnn_cell_forward(x[:, t, :], a_next, parameters)")],
          "slices x on the wrong axis (x[:, t, :])", mistake=["x[:, t, :]"], round=2),
    entry("r2_lcf_sigmoid_prediction", "lstm_cell_forward",
          [("yt_pred = softmax(np.dot(Wy, a_next) + by)", "yt_pred = sigmoid(np.dot(Wy, a_next) + by)")],
          "sigmoid instead of softmax for the prediction", mistake=["softmax", "activation"],
          where=["`yt_pred`"], round=2),
    entry("r2_lf_a_stores_c", "lstm_forward",
          [("a[:, :, t] = a_next", "a[:, :, t] = c_next")],
          "stores c_next into a", mistake=["belong in `c`"], where=["`a`"], round=2),
    entry("r2_rcb_derivative_at_a_prev", "rnn_cell_backward",
          [("dtanh = (1 - a_next ** 2) * da_next", "dtanh = (1 - a_prev ** 2) * da_next")],
          "tanh derivative taken at a_prev instead of a_next", mistake=["a_prev"], round=2),
    entry("r2_rcb_dwaa_transposed", "rnn_cell_backward",
          [("dWaa = np.dot(dtanh, a_prev.T)", "dWaa = np.dot(a_prev, dtanh.T)")],
          "dWaa computed transposed", mistake=["transpose"], where=["`dWaa`"], round=2),
    entry("r2_rb_dx_gets_da_prev", "rnn_backward",
          [("dx[:, :, t] = dxt", "dx[:, :, t] = da_prevt")],
          "stores da_prevt into dx (a shape error)", where=["dx[:, :, t] = da_prevt"], round=2),
    entry("r2_lcb_dbf_axis0", "lstm_cell_backward",
          [("dbf = np.sum(dft, axis=1, keepdims=True)", "dbf = np.sum(dft, axis=0, keepdims=True)")],
          "dbf summed over axis 0", mistake=["axis"], where=["`dbf`"], round=2),
    entry("r2_lb_dwf_adds_dwi", "lstm_backward",
          [('dWf += gradients["dWf"]', 'dWf += gradients["dWi"]')],
          "copy-paste: dWf accumulates dWi", mistake=["dWi"], where=["`dWf`"], round=2),
    entry("r2_ia_returns_v_twice", "initialize_adam",
          [("    return v, s", "    return v, v")],
          "returns v twice", mistake=["same dict", "s = v"], kind="rewritten", round=2),
    entry("r2_adam_v_without_one_minus_beta", "update_parameters_with_adam",
          [("v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]", "v[dkey] = beta1 * v[dkey] + grads[dkey]")],
          "first moment adds the gradient without (1 - beta1)", mistake=["1 - beta1"], where=["`v`"], round=2),
    entry("r2_adam_s_from_v", "update_parameters_with_adam",
          [("(1 - beta2) * np.square(grads[dkey])", "(1 - beta2) * np.square(v[dkey])")],
          "second moment built from v instead of the gradient", where=["`s`"], round=2),
]


def main() -> int:
    ref = b.reference()
    manifest, problems = [], []
    for spec, accept in HELDOUT:
        cells = b.cells_for(spec)
        lost = spec.loses if spec.name == "heldout_name_typo" else b.losers(cells, ref)
        if lost != spec.loses:
            problems.append(f"{spec.name}: expected to lose {spec.loses}, loses {lost}")
        nbformat.write(b.to_notebook(spec, cells, None), str(HERE / f"{spec.name}.ipynb"))
        manifest.append({"notebook": f"{spec.name}.ipynb", "loses": spec.loses, "why": spec.why, **accept})
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    (HERE / "expected.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {len(manifest)} held-out notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
