"""The parts of torch's library that model files use around the model: ``torch.jit``, ``torch.utils``
(data, checkpoint, model_zoo), ``torch.hub``, ``torch.optim`` and its schedulers, ``torch.nn.modules.utils``
(``_pair``...), ``torch.nn.parallel``, ``torch.cuda.amp``, ``torch.autograd.Function``.

What the model's computation uses is modelled: ``torch.jit.script``/``trace``/``ScriptModule``/
``script_method`` pass through (the model is traced as plain Python), ``_pair`` behaves as torch's,
``checkpoint(fn, *args)`` calls ``fn``, ``nn.DataParallel(m)`` wraps ``m`` as torch names it
(``module.``), a custom ``autograd.Function`` runs its ``forward``. What it does not use is inert:
optimizers and schedulers, data sets and loaders, hub and model-zoo downloads (weights never change
shapes). Where training starts (the first iteration over a data loader, an optimizer step,
``loss.backward()``) at module level, the file stops running: record.TrainingStarted.
Owns: the modules named in MODULES. Never: import real torch, load data or weights.
"""

from __future__ import annotations

import collections.abc
import contextlib
import types
from itertools import repeat
from typing import Any

from .. import record as rec
from ..tensor import SymTensor
from .missing import Missing
from .module import Module


def _namespace(name: str, doc: str, **attrs: Any) -> types.ModuleType:
    m = types.ModuleType(name, doc)
    m.__dict__.update(attrs)
    return m


def _inert(*args: Any, **kwargs: Any) -> None:
    return None


def _identity(obj: Any = None, *args: Any, **kwargs: Any) -> Any:
    """A decorator or wrapper that gives back what it was given (``@torch.jit.script``, ``jit.trace(m, x)``)."""
    if obj is None:
        return _identity
    return obj


# --- torch.nn.modules.utils: as torch parses kernel_size/stride/... arguments ---
def _ntuple(n: int, name: str = "parse"):
    def parse(x: Any) -> tuple:
        return tuple(x) if isinstance(x, collections.abc.Iterable) else tuple(repeat(x, n))
    parse.__name__ = name
    return parse


def _reverse_repeat_tuple(t: tuple, n: int) -> tuple:
    return tuple(x for x in reversed(t) for _ in range(n))


def _list_with_default(out_size: Any, defaults: list) -> list:
    if isinstance(out_size, int):
        return out_size
    return [v if v is not None else d for v, d in zip(out_size, defaults[-len(out_size):])]


nn_modules_utils = _namespace(
    "torch.nn.modules.utils", "torch's parsers of per-axis arguments.",
    _ntuple=_ntuple, _single=_ntuple(1, "_single"), _pair=_ntuple(2, "_pair"), _triple=_ntuple(3, "_triple"),
    _quadruple=_ntuple(4, "_quadruple"), _reverse_repeat_tuple=_reverse_repeat_tuple,
    _list_with_default=_list_with_default)


# --- torch.jit: the model is traced as plain Python ---
jit = _namespace(
    "torch.jit", "torch.jit of the stand-in: scripting and tracing give back what they were given.",
    ScriptModule=Module, script=_identity, trace=_identity, trace_module=_identity, script_method=_identity,
    ignore=_identity, unused=_identity, export=_identity, interface=_identity, _overload_method=_identity,
    is_scripting=lambda: False, is_tracing=lambda: False, freeze=_identity, optimize_for_inference=_identity,
    save=_inert, annotate=lambda the_type, value: value, Final=Any, Attribute=lambda value, the_type=None: value,
    fork=lambda fn, *a, **k: fn(*a, **k), wait=_identity, isinstance=isinstance)


# --- training: where a module-level script starts it, symcnn stops running the file ---
def _training_starts(what: str) -> None:
    s = rec.session()
    if s is not None and not s.recording and not s.in_forward:
        raise rec.TrainingStarted(what, rec.where())


class Dataset:
    """torch.utils.data.Dataset and friends: building one is inert. A TensorDataset of known tensors
    iterates (and its loader yields batches, at most MAX_BATCHES: what a script computes from its data
    never shapes the model); iterating any other data set is where training starts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._args = args

    def _tensors(self) -> list[SymTensor] | None:
        tensors = [a for a in self._args if isinstance(a, SymTensor)]
        ok = tensors and len(tensors) == len(self._args) and all(t._shape and t._shape[0].is_Integer
                                                                   for t in tensors)
        return tensors if ok else None

    def __iter__(self):
        tensors = self._tensors()
        if tensors is None:
            _training_starts("the first iteration over a data set")
            return iter(())
        return iter([tuple(SymTensor(t._shape[1:], None, t._dtype) for t in tensors)][:len(self)])

    def __len__(self) -> int:
        tensors = self._tensors()
        if tensors is not None:
            return int(tensors[0]._shape[0])   # TensorDataset(x, y): its first dimension
        for a in self._args:
            if isinstance(a, (Dataset, list, tuple)):
                return len(a)
        rec.note("len() of a data set symcnn does not load counts as 1; the model's shapes never depend on it")
        return 1

    def __getitem__(self, i: Any) -> Any:
        return tuple(t[0] for t in self._args if isinstance(t, SymTensor)) or None

    def __add__(self, other: Any) -> Dataset:
        return Dataset(self, other)


MAX_BATCHES = 2


class DataLoader(Dataset):
    def __init__(self, dataset: Any = None, batch_size: int | None = 1, *args: Any, drop_last: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(dataset)
        self.dataset = dataset
        self.batch_size = batch_size if isinstance(batch_size, int) and batch_size > 0 else 1
        self.drop_last = drop_last

    def _sizes(self) -> list[int]:
        n = len(self.dataset) if isinstance(self.dataset, (Dataset, list, tuple)) else 1
        full, rest = divmod(n, self.batch_size)
        return [self.batch_size] * full + ([rest] if rest and not self.drop_last else [])

    def __iter__(self):
        tensors = self.dataset._tensors() if isinstance(self.dataset, Dataset) else None
        if tensors is None:
            _training_starts("the first iteration over a DataLoader")
            return iter(())
        return iter([tuple(SymTensor((b, *t._shape[1:]), None, t._dtype) for t in tensors)
                     for b in self._sizes()[:MAX_BATCHES]])

    def __len__(self) -> int:
        return max(1, len(self._sizes()))


def _random_split(dataset: Any, lengths: Any, *args: Any, **kwargs: Any) -> list:
    return [Dataset(dataset) for _ in lengths]


data = _namespace(
    "torch.utils.data", "torch.utils.data of the stand-in: data sets and loaders hold no data.",
    Dataset=Dataset, IterableDataset=Dataset, TensorDataset=Dataset, ConcatDataset=Dataset, Subset=Dataset,
    DataLoader=DataLoader, random_split=_random_split, Sampler=Dataset, RandomSampler=Dataset,
    SequentialSampler=Dataset, SubsetRandomSampler=Dataset, WeightedRandomSampler=Dataset,
    BatchSampler=Dataset, default_collate=_identity, get_worker_info=_inert)
data.distributed = _namespace("torch.utils.data.distributed", "", DistributedSampler=Dataset)
data.sampler = _namespace("torch.utils.data.sampler", "", Sampler=Dataset, RandomSampler=Dataset,
                          SubsetRandomSampler=Dataset)
data.dataset = _namespace("torch.utils.data.dataset", "", Dataset=Dataset, TensorDataset=Dataset, Subset=Dataset)
data.dataloader = _namespace("torch.utils.data.dataloader", "", DataLoader=DataLoader)


def _checkpoint(function: Any, *args: Any, use_reentrant: Any = None, **kwargs: Any) -> Any:
    kwargs.pop("preserve_rng_state", None)
    return function(*args, **kwargs)


def _checkpoint_sequential(functions: Any, segments: int, input: Any, **kwargs: Any) -> Any:
    for f in functions:
        input = f(input)
    return input


def _state_dict(*args: Any, **kwargs: Any) -> dict:
    return {}


checkpoint = _namespace("torch.utils.checkpoint", "Activation checkpointing: the function is called.",
                        checkpoint=_checkpoint, checkpoint_sequential=_checkpoint_sequential)
model_zoo = _namespace("torch.utils.model_zoo", "Downloads of weights: inert (weights never change shapes).",
                       load_url=_state_dict)


class Optimizer:
    """An optimizer: building one is inert; ``step()`` at module level starts training."""

    def __init__(self, params: Any = None, *args: Any, **kwargs: Any) -> None:
        self.param_groups = [{"params": [], "lr": kwargs.get("lr", 0.0)}]
        self.state: dict = {}

    def step(self, *args: Any, **kwargs: Any) -> None:
        _training_starts("the first optimizer step")

    def zero_grad(self, *args: Any, **kwargs: Any) -> None:
        return None

    def state_dict(self) -> dict:
        return {}

    load_state_dict = add_param_group = _inert


class LRScheduler:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.last_epoch = 0

    def step(self, *args: Any, **kwargs: Any) -> None:
        return None

    def get_last_lr(self) -> list:
        return [0.0]

    def state_dict(self) -> dict:
        return {}

    get_lr = get_last_lr
    load_state_dict = _inert


_SCHEDULERS = ("LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
               "ExponentialLR", "SequentialLR", "CosineAnnealingLR", "ChainedScheduler", "ReduceLROnPlateau",
               "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR", "PolynomialLR", "LRScheduler",
               "_LRScheduler")
lr_scheduler = _namespace("torch.optim.lr_scheduler", "Learning-rate schedulers: inert.",
                          **dict.fromkeys(_SCHEDULERS, LRScheduler))
_OPTIMIZERS = ("SGD", "Adam", "AdamW", "Adamax", "Adagrad", "Adadelta", "RMSprop", "Rprop", "ASGD", "LBFGS",
               "NAdam", "RAdam", "SparseAdam", "Adafactor", "Optimizer")
optim = _namespace("torch.optim", "Optimizers: inert, but a step at module level starts training.",
                   lr_scheduler=lr_scheduler, **dict.fromkeys(_OPTIMIZERS, Optimizer))
optim.optimizer = _namespace("torch.optim.optimizer", "", Optimizer=Optimizer)

hub = _namespace("torch.hub", "torch.hub: downloads are inert; hub.load is a model zoo symcnn cannot build.",
                 load=Missing("torch.hub.load"), load_state_dict_from_url=_state_dict, download_url_to_file=_inert, get_dir=lambda: "",
                 set_dir=_inert, list=lambda *a, **k: [], help=lambda *a, **k: "")


class DataParallel(Module):
    """nn.DataParallel / DistributedDataParallel: the wrapped model, registered as ``module``."""

    def __init__(self, module: Module, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.module = module

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)


parallel = _namespace("torch.nn.parallel", "Data parallelism: the wrapped model itself.",
                      DataParallel=DataParallel, DistributedDataParallel=DataParallel)


class _Ctx:
    """autograd.Function's ctx: saves nothing that matters for shapes."""

    def save_for_backward(self, *tensors: Any) -> None:
        self.saved_tensors = tensors

    def mark_dirty(self, *args: Any) -> None:
        return None

    mark_non_differentiable = set_materialize_grads = mark_dirty


class Function:
    """A custom autograd.Function: ``Fn.apply(x)`` runs its ``forward(ctx, x)`` on symbolic tensors."""

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        return cls.forward(_Ctx(), *args, **kwargs)


@contextlib.contextmanager
def _null_context(*args: Any, **kwargs: Any):
    yield


class GradScaler:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        return None

    def scale(self, loss: Any) -> Any:
        return loss

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> None:
        _training_starts("the first optimizer step")

    update = unscale_ = load_state_dict = _inert


amp = _namespace("torch.amp", "Mixed precision: contexts that change nothing about shapes.",
                 autocast=_null_context, GradScaler=GradScaler)
cuda_amp = _namespace("torch.cuda.amp", "", autocast=_null_context, GradScaler=GradScaler)
cuda = _namespace("torch.cuda", "torch.cuda of the stand-in: no GPU.", amp=cuda_amp,
                  is_available=lambda: False, device_count=lambda: 0, current_device=lambda: 0,
                  manual_seed=_inert, manual_seed_all=_inert, empty_cache=_inert, synchronize=_inert,
                  set_device=_inert, get_device_name=lambda *a: "cpu", is_bf16_supported=lambda: False)
backends = _namespace("torch.backends", "torch.backends of the stand-in.")
backends.cudnn = _namespace("torch.backends.cudnn", "", benchmark=False, deterministic=False, enabled=True,
                            is_available=lambda: False)
backends.mps = _namespace("torch.backends.mps", "", is_available=lambda: False, is_built=lambda: False)

__all__ = ["DataLoader", "DataParallel", "Dataset", "Function", "Optimizer", "amp", "backends", "checkpoint",
           "cuda", "cuda_amp",
           "data", "hub", "jit", "lr_scheduler", "model_zoo", "nn_modules_utils", "optim", "parallel"]
