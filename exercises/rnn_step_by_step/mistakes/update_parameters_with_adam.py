"""Mistakes in update_parameters_with_adam(parameters, grads, v, s, t, ...): one Adam step."""

from grader import mistake
from reference.rnn_step_by_step import np

EXERCISE = "update_parameters_with_adam"


@mistake(EXERCISE, "I used t + 1 instead of t in the bias correction")
def t_plus_one(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_parameters, new_v, new_s, v_corrected, s_corrected = dict(parameters), {}, {}, {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        for kind in "Wb":
            key, dkey = f"{kind}{layer}", f"d{kind}{layer}"
            new_v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]
            new_s[dkey] = beta2 * s[dkey] + (1 - beta2) * grads[dkey] ** 2
            v_corrected[dkey] = new_v[dkey] / (1 - beta1 ** (t + 1))
            s_corrected[dkey] = new_s[dkey] / (1 - beta2 ** (t + 1))
            step = v_corrected[dkey] / (np.sqrt(s_corrected[dkey]) + epsilon)
            new_parameters[key] = parameters[key] - learning_rate * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@mistake(EXERCISE, "I mixed up beta1 and beta2 in the bias correction")
def betas_swapped_in_correction(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    new_parameters, new_v, new_s, v_corrected, s_corrected = dict(parameters), {}, {}, {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        for kind in "Wb":
            key, dkey = f"{kind}{layer}", f"d{kind}{layer}"
            new_v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]
            new_s[dkey] = beta2 * s[dkey] + (1 - beta2) * grads[dkey] ** 2
            v_corrected[dkey] = new_v[dkey] / (1 - beta2**t)
            s_corrected[dkey] = new_s[dkey] / (1 - beta1**t)
            step = v_corrected[dkey] / (np.sqrt(s_corrected[dkey]) + epsilon)
            new_parameters[key] = parameters[key] - learning_rate * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@mistake(EXERCISE, "I mixed up beta1 and beta2 in the moment updates: v uses beta2 and s uses beta1")
def betas_swapped_in_moments(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    new_parameters, new_v, new_s, v_corrected, s_corrected = dict(parameters), {}, {}, {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        for kind in "Wb":
            key, dkey = f"{kind}{layer}", f"d{kind}{layer}"
            new_v[dkey] = beta2 * v[dkey] + (1 - beta2) * grads[dkey]
            new_s[dkey] = beta1 * s[dkey] + (1 - beta1) * grads[dkey] ** 2
            v_corrected[dkey] = new_v[dkey] / (1 - beta1**t)
            s_corrected[dkey] = new_s[dkey] / (1 - beta2**t)
            step = v_corrected[dkey] / (np.sqrt(s_corrected[dkey]) + epsilon)
            new_parameters[key] = parameters[key] - learning_rate * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@mistake(EXERCISE, "I forgot to square the gradient in s")
def grad_not_squared(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_parameters, new_v, new_s, v_corrected, s_corrected = dict(parameters), {}, {}, {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        for kind in "Wb":
            key, dkey = f"{kind}{layer}", f"d{kind}{layer}"
            new_v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]
            new_s[dkey] = beta2 * s[dkey] + (1 - beta2) * grads[dkey]
            v_corrected[dkey] = new_v[dkey] / (1 - beta1**t)
            s_corrected[dkey] = new_s[dkey] / (1 - beta2**t)
            step = v_corrected[dkey] / (np.sqrt(s_corrected[dkey]) + epsilon)
            new_parameters[key] = parameters[key] - learning_rate * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@mistake(EXERCISE, "I skipped the bias correction and used v and s directly")
def no_bias_correction(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_parameters, new_v, new_s, v_corrected, s_corrected = dict(parameters), {}, {}, {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        for kind in "Wb":
            key, dkey = f"{kind}{layer}", f"d{kind}{layer}"
            new_v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]
            new_s[dkey] = beta2 * s[dkey] + (1 - beta2) * grads[dkey] ** 2
            v_corrected[dkey] = new_v[dkey] / (1 - beta1**t)
            s_corrected[dkey] = new_s[dkey] / (1 - beta2**t)
            step = new_v[dkey] / (np.sqrt(new_s[dkey]) + epsilon)
            new_parameters[key] = parameters[key] - learning_rate * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@mistake(EXERCISE, "I used the uncorrected v in the update instead of v_corrected")
def uncorrected_v(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_parameters, new_v, new_s, v_corrected, s_corrected = dict(parameters), {}, {}, {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        for kind in "Wb":
            key, dkey = f"{kind}{layer}", f"d{kind}{layer}"
            new_v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]
            new_s[dkey] = beta2 * s[dkey] + (1 - beta2) * grads[dkey] ** 2
            v_corrected[dkey] = new_v[dkey] / (1 - beta1**t)
            s_corrected[dkey] = new_s[dkey] / (1 - beta2**t)
            step = new_v[dkey] / (np.sqrt(s_corrected[dkey]) + epsilon)
            new_parameters[key] = parameters[key] - learning_rate * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@mistake(EXERCISE, "I forgot the square root of s_corrected in the update")
def no_sqrt(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_parameters, new_v, new_s, v_corrected, s_corrected = dict(parameters), {}, {}, {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        for kind in "Wb":
            key, dkey = f"{kind}{layer}", f"d{kind}{layer}"
            new_v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]
            new_s[dkey] = beta2 * s[dkey] + (1 - beta2) * grads[dkey] ** 2
            v_corrected[dkey] = new_v[dkey] / (1 - beta1**t)
            s_corrected[dkey] = new_s[dkey] / (1 - beta2**t)
            step = v_corrected[dkey] / (s_corrected[dkey] + epsilon)
            new_parameters[key] = parameters[key] - learning_rate * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@mistake(EXERCISE, "I added the step to the parameters instead of subtracting it")
def plus_sign(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_parameters, new_v, new_s, v_corrected, s_corrected = dict(parameters), {}, {}, {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        for kind in "Wb":
            key, dkey = f"{kind}{layer}", f"d{kind}{layer}"
            new_v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]
            new_s[dkey] = beta2 * s[dkey] + (1 - beta2) * grads[dkey] ** 2
            v_corrected[dkey] = new_v[dkey] / (1 - beta1**t)
            s_corrected[dkey] = new_s[dkey] / (1 - beta2**t)
            step = v_corrected[dkey] / (np.sqrt(s_corrected[dkey]) + epsilon)
            new_parameters[key] = parameters[key] + learning_rate * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@mistake(EXERCISE, "I wrote 1 - beta1 * t instead of 1 - beta1 ** t in the bias correction")
def times_t(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    new_parameters, new_v, new_s, v_corrected, s_corrected = dict(parameters), {}, {}, {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        for kind in "Wb":
            key, dkey = f"{kind}{layer}", f"d{kind}{layer}"
            new_v[dkey] = beta1 * v[dkey] + (1 - beta1) * grads[dkey]
            new_s[dkey] = beta2 * s[dkey] + (1 - beta2) * grads[dkey] ** 2
            v_corrected[dkey] = new_v[dkey] / (1 - beta1 * t)
            s_corrected[dkey] = new_s[dkey] / (1 - beta2 * t)
            step = v_corrected[dkey] / (np.sqrt(s_corrected[dkey]) + epsilon)
            new_parameters[key] = parameters[key] - learning_rate * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected


@mistake(EXERCISE, "I wrote 0.9 and 0.999 in the formulas instead of using beta1 and beta2")
def fixed_hyperparameters(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    new_parameters, new_v, new_s, v_corrected, s_corrected = dict(parameters), {}, {}, {}, {}
    for layer in range(1, len(parameters) // 2 + 1):
        for kind in "Wb":
            key, dkey = f"{kind}{layer}", f"d{kind}{layer}"
            new_v[dkey] = 0.9 * v[dkey] + (1 - 0.9) * grads[dkey]
            new_s[dkey] = 0.999 * s[dkey] + (1 - 0.999) * grads[dkey] ** 2
            v_corrected[dkey] = new_v[dkey] / (1 - 0.9**t)
            s_corrected[dkey] = new_s[dkey] / (1 - 0.999**t)
            step = v_corrected[dkey] / (np.sqrt(s_corrected[dkey]) + epsilon)
            new_parameters[key] = parameters[key] - learning_rate * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected
