"""Mistakes in clipped_sgd_step(params, grads, learning_rate=0.1, clip=5.0) -> new params."""

from grader import mistake
from reference.char_rnn import np

EXERCISE = "clipped_sgd_step"


@mistake(EXERCISE, "I updated first and clipped the new parameters afterwards, instead of the gradients")
def clips_after_update(params, grads, learning_rate=0.1, clip=5.0):
    return {
        k: np.clip(params[k] - learning_rate * grads[f"d{k}"], -clip, clip)
        for k in ("U", "W", "V", "bh", "by")
    }


@mistake(EXERCISE, "I forgot to clip the gradients")
def no_clipping(params, grads, learning_rate=0.1, clip=5.0):
    return {k: params[k] - learning_rate * grads[f"d{k}"] for k in ("U", "W", "V", "bh", "by")}


@mistake(EXERCISE, "I clipped only from above with np.minimum(grad, clip), so large negative entries stay")
def clips_upper_only(params, grads, learning_rate=0.1, clip=5.0):
    return {
        k: params[k] - learning_rate * np.minimum(grads[f"d{k}"], clip) for k in ("U", "W", "V", "bh", "by")
    }


@mistake(EXERCISE, "I rescaled each gradient whose norm is above clip instead of clipping each entry")
def clips_norm(params, grads, learning_rate=0.1, clip=5.0):
    new = {}
    for k in ("U", "W", "V", "bh", "by"):
        g = grads[f"d{k}"]
        norm = np.linalg.norm(g)
        new[k] = params[k] - learning_rate * (g * clip / norm if norm > clip else g)
    return new


@mistake(EXERCISE, "I added the step to the parameters instead of subtracting it")
def plus_sign(params, grads, learning_rate=0.1, clip=5.0):
    return {
        k: params[k] + learning_rate * np.clip(grads[f"d{k}"], -clip, clip)
        for k in ("U", "W", "V", "bh", "by")
    }


@mistake(
    EXERCISE, "I zipped params.values() with grads.values(), trusting that the keys come in the same order"
)
def zips_values(params, grads, learning_rate=0.1, clip=5.0):
    updates = [g for k, g in grads.items() if k != "dh0"]
    return {
        k: p - learning_rate * np.clip(g, -clip, clip)
        for (k, p), g in zip(params.items(), updates, strict=False)
    }


@mistake(EXERCISE, "I wrote np.clip(grad, -5, 5) instead of using the clip argument")
def fixed_clip(params, grads, learning_rate=0.1, clip=5.0):
    return {
        k: params[k] - learning_rate * np.clip(grads[f"d{k}"], -5, 5) for k in ("U", "W", "V", "bh", "by")
    }


@mistake(EXERCISE, "I updated the arrays in place with -= and did not return anything")
def in_place_no_return(params, grads, learning_rate=0.1, clip=5.0):
    for k in ("U", "W", "V", "bh", "by"):
        params[k] -= learning_rate * np.clip(grads[f"d{k}"], -clip, clip)


@mistake(EXERCISE, "I looped over grads and updated params[key[1:]], so dh0 also became a parameter h0")
def updates_h0_too(params, grads, learning_rate=0.1, clip=5.0):
    new = dict(params)
    for key, g in grads.items():
        new[key[1:]] = params.get(key[1:], 0) - learning_rate * np.clip(g, -clip, clip)
    return new
