"""Kernel-side tamper probe. Its source is sent into every grading kernel; it is not imported there.

It decides no score. Verdicts are computed by the judge, outside the student's process
(grader/judge/); this probe only tells instructors what a notebook tampered with, as a flag in
the grades CSV and the class report.

grader/judge/kernel.py runs `install(name, secret)` in a fresh kernel before any student code,
then, when the kernel's last cell has run, evaluates `<name>(challenge)` as a Jupyter user
expression. The answer carries a hash of the secret and the challenge, so a function put in the
probe's place cannot answer for it without first digging the secret out of its closure.

`install()` records the state a sound notebook leaves alone; `check()` compares and returns ""
when nothing changed, or what changed:
- every attribute of the guarded modules (builtins, math, operator, numpy, torch and the
  submodules the tests use, IPython's shell and ipykernel) and of the classes they expose, by
  identity: `np.allclose = lambda *a, **k: True`, `torch.Tensor.__eq__ = ...` or
  `builtins.isinstance = ...` are all seen, and so is replacing a module in sys.modules;
- IPython's input transformers, AST transformers, custom exception handlers and event callbacks
  (a callback is accepted only when its code lives in the Python installation, as
  matplotlib-inline's does, never when it was defined in the notebook);
- sys.settrace / sys.setprofile / threading's hooks, sys.excepthook and sys.displayhook;
- import hooks: sys.meta_path and sys.path_hooks;
- the kernel's own request handling: shell handlers and the session's send.
The probe keeps its own references to the builtins it uses, so replacing them does not blind it.
"""


def install(name, secret, packages=("numpy", "torch")):
    """Installs the check as builtins.<name>; check(challenge) answers "<proof>:<problems>"."""
    import builtins
    import hashlib
    import importlib
    import sys
    import threading

    # The check's own references: a student who replaces a builtin does not blind it.
    _id, _vars, _isinstance, _list, _type, _getattr, _hasattr, _callable, _sorted, _len, _any, _str = (
        id, vars, isinstance, list, type, getattr, hasattr, callable, sorted, len, any, str)
    _sha256, _join = hashlib.sha256, "; ".join

    guarded_modules = ["builtins", "math", "operator", "numpy", "numpy.testing", "numpy.linalg",
                       "numpy.random", "torch", "torch.testing", "torch.nn", "torch.nn.functional",
                       "torch.nn.init", "torch.optim", "torch.autograd", "torch.linalg",
                       "IPython.core.interactiveshell", "ipykernel.ipkernel", "ipykernel.zmqshell",
                       "ipykernel.kernelbase"]
    modules = {}
    for module_name in guarded_modules:
        if module_name.split(".")[0] in ("numpy", "torch") and module_name.split(".")[0] not in packages:
            continue  # the tests do not use it: importing it would only cost time
        try:
            modules[module_name] = importlib.import_module(module_name)
        except Exception:  # noqa: BLE001 - a course without torch guards what it has
            pass
    guarded_packages = ("torch", "numpy", "builtins", "IPython", "ipykernel")
    installed = (sys.prefix, sys.base_prefix)
    shell = get_ipython()  # noqa: F821 - defined in the kernel
    kernel = _getattr(shell, "kernel", None)
    session = _getattr(kernel, "session", None)

    def snapshot():
        """{(owner, attribute): value} for the guarded modules and the classes they expose."""
        seen, state = set(), {}
        for module_name, module in _list(modules.items()):
            for attr, value in _list(_vars(module).items()):
                state[(module_name, attr)] = value
                if (_isinstance(value, _type) and _id(value) not in seen
                        and (_getattr(value, "__module__", "") or "").split(".")[0] in guarded_packages):
                    seen.add(_id(value))
                    owner = f"class {value.__module__}.{value.__qualname__}"
                    for key, member in _list(_vars(value).items()):
                        state[(owner, key)] = member
        return state

    def hooks():
        return {
            "input transformers": [_id(t) for t in shell.input_transformers_cleanup + shell.input_transformers_post],
            "AST transformers": [_id(t) for t in shell.ast_transformers],
            "custom exception handler": [_id(e) for e in shell.custom_exceptions],
            "import hooks (sys.meta_path)": [_id(f) for f in sys.meta_path],
            "import hooks (sys.path_hooks)": [_id(f) for f in sys.path_hooks],
            "shell methods": _sorted(k for k in _vars(shell) if _callable(_getattr(_type(shell), k, None))),
            "modules in sys.modules": [_id(sys.modules.get(m)) for m in modules],
            "the kernel's request handlers": [_id(h) for h in _getattr(kernel, "shell_handlers", {}).values()],
            "the kernel's methods": _sorted(k for k in (_vars(kernel) if kernel is not None else {}) if _callable(_getattr(_type(kernel), k, None))),
            "the kernel session's methods": _sorted(k for k in (_vars(session) if session is not None else {})
                                                    if _callable(_getattr(_type(session), k, None))),
        }

    def from_installation(callback):
        """True when a callback's code lives in the Python installation (a library's)."""
        function = _getattr(callback, "__func__", callback)
        if not _hasattr(function, "__code__") and _hasattr(_type(function), "__call__"):
            function = _getattr(_type(function).__call__, "__func__", _type(function).__call__)
        code = _getattr(function, "__code__", None)
        return code is not None and code.co_filename.startswith(installed)

    # IPython swaps these while a cell runs (its builtin and display traps): compared by origin.
    swapped_builtins = {"get_ipython", "input", "raw_input", "exit", "quit", "display", "help",
                        "__IPYTHON__", "dreload", "getpass"}

    # The comparison functions tests rely on must stay the very same objects. Other attributes
    # of the guarded modules and classes may change through the libraries' own APIs
    # (torch.set_default_dtype rebinds torch.Storage, importing torchvision wraps
    # torch.manual_seed), so there only values made by the notebook's own code count.
    strict_modules = {"builtins", "math", "operator", "numpy.testing", "torch.testing"}
    strict_names = {"allclose", "isclose", "array_equal", "array_equiv", "equal", "all", "any", "abs",
                    "asarray", "array", "tensor", "as_tensor", "isfinite", "isnan", "max", "min", "sum",
                    "testing", "norm"}

    def strict(owner, attr):
        return owner in strict_modules or (owner in ("numpy", "torch", "numpy.linalg", "torch.linalg")
                                           and attr in strict_names)

    def made_by_notebook(value):
        """True for a function, class or callable defined by code outside the Python installation."""
        if _isinstance(value, _type):
            return _getattr(value, "__module__", "") == "__main__"
        if _type(value).__name__ == "partial":
            return True
        function = _getattr(value, "__func__", value)
        code = _getattr(function, "__code__", None)
        if code is None and _callable(value) and not _isinstance(value, _type):
            call = _getattr(_type(value), "__call__", None)
            code = _getattr(_getattr(call, "__func__", call), "__code__", None)
        return code is not None and not code.co_filename.startswith(installed)

    baseline_state, baseline_hooks = snapshot(), hooks()
    baseline_callbacks = {event: [_id(c) for c in cbs] for event, cbs in shell.events.callbacks.items()}

    def check(challenge):
        problems = []
        if sys.gettrace() is not None or sys.getprofile() is not None:
            problems.append("a trace or profile function was installed (sys.settrace / sys.setprofile)")
        if _getattr(threading, "_trace_hook", None) is not None or _getattr(threading, "_profile_hook", None) is not None:
            problems.append("a thread trace or profile hook was installed (threading.settrace)")
        now_hooks = hooks()
        problems += [f"{what} changed" for what, ids in baseline_hooks.items() if now_hooks[what] != ids]
        for hook_name in ("excepthook", "displayhook"):
            hook = _getattr(sys, hook_name)
            if hook is not _getattr(sys, f"__{hook_name}__") and not from_installation(hook):
                problems.append(f"sys.{hook_name} was replaced by the notebook")
        for event, callbacks in _list(shell.events.callbacks.items()):
            for callback in callbacks:
                if _id(callback) not in baseline_callbacks.get(event, ()) and not from_installation(callback):
                    problems.append(f"a {event} callback was registered by the notebook")
        state = snapshot()
        changed = []
        for (owner, attr), before in baseline_state.items():
            now = state.get((owner, attr), missing)
            if now is before or (owner == "builtins" and attr in swapped_builtins):
                continue
            if now is missing or strict(owner, attr) or made_by_notebook(now):
                changed.append(f"{owner.replace('class ', '')}.{attr}")
        changed = _sorted(changed)
        # A new attribute in a class can shadow an inherited one (nn.Linear.__call__ = ...).
        added = _sorted(f"{owner[6:]}.{attr}" for (owner, attr), value in state.items()
                        if owner.startswith("class ") and (owner, attr) not in baseline_state
                        and made_by_notebook(value))
        if changed:
            problems.append("replaced: " + ", ".join(changed[:5]) + (" ..." if _len(changed) > 5 else ""))
        if added:
            problems.append("added to a guarded class: " + ", ".join(added[:5]) + (" ..." if _len(added) > 5 else ""))
        proof = _sha256(f"{secret}:{challenge}".encode()).hexdigest()[:16]
        return proof + ":" + _join(problems)

    missing = object()
    setattr(builtins, name, check)
