"""Model names -> factories, filled by the @register decorator (as timm's registry is)."""

_MODELS = {}


def register(fn):
    _MODELS[fn.__name__] = fn
    return fn


def create_model(name, **kwargs):
    if name not in _MODELS:
        raise KeyError(f"unknown model {name!r}; available: {sorted(_MODELS)}")
    return _MODELS[name](**kwargs)


def list_models():
    return sorted(_MODELS)
