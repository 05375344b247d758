"""User classes ``Parameters`` (GUI -> Python) and ``Displays`` (Python -> GUI).

Fields are declared as class attributes holding specs; each *instance* holds its own validated
values (IVISIT keeps values in class attributes, which two simulations would share; we do not).
Reading ``p.tau`` returns the value; assigning ``p.tau = 12`` validates (never clips).
"""

from __future__ import annotations

import copy
from typing import Any

from .specs import (
    Button,
    Checkbox,
    DictSlider,
    DisplaySpec,
    ParamSpec,
    Scope,
    bind_name,
    checkbox_to_str,
)

__all__ = ["Parameters", "Displays"]


class _Declared:
    _spec_base = ParamSpec
    _specs: dict = {}

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        specs = {}
        for base in reversed(cls.__mro__[1:]):
            specs.update(base.__dict__.get("_specs", {}))
        for k, v in list(cls.__dict__.items()):
            if isinstance(v, ParamSpec):
                if not isinstance(v, cls._spec_base) or (
                    cls._spec_base is ParamSpec and isinstance(v, DisplaySpec)
                ):
                    raise TypeError(
                        f"{cls.__name__}.{k}: {type(v).__name__} cannot be declared here"
                    )
                specs[k] = bind_name(v, k)
                delattr(cls, k)
        cls._specs = specs

    @classmethod
    def specs(cls) -> dict:
        """Name -> spec, in declaration order.

        Returns
        -------
        dict
            A copy of the class's name -> spec mapping.
        """
        return dict(cls._specs)

    def spec(self, name: str) -> ParamSpec:
        """The spec declared as ``name``.

        Parameters
        ----------
        name : str
            A declared field.

        Returns
        -------
        ParamSpec
            Its spec (label bound to the name).

        Raises
        ------
        KeyError
            If no field ``name`` is declared.
        """
        try:
            return self._specs[name]
        except KeyError:
            raise KeyError(f"no field {name!r}; fields are {list(self._specs)}") from None

    def __getattr__(self, name):
        vals = self.__dict__.get("_values")
        if vals is not None and name in vals:
            v = vals[name]
            return dict(v) if isinstance(v, dict) else v
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")

    def __setattr__(self, name, value):
        if name in self._specs:
            self.set(name, value)
        else:
            object.__setattr__(self, name, value)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._values.items())})"


class Parameters(_Declared):
    """Declared parameters; the instance holds validated values.

    ``values()`` returns a copy of all values, ``set(name, v)`` validates (a dict-slider accepts a
    partial dict, merged into the current value), ``spec(name)`` the spec, ``as_ivisit(name)`` the
    value as IVISIT writes it (checkbox '0110', button '0'/'1')."""

    def __init__(self, **values: Any) -> None:
        """Start from every spec's default, then :meth:`set` each of ``values``.

        Parameters
        ----------
        **values
            Initial values by parameter name.

        Raises
        ------
        KeyError, TypeError, ValueError
            If a name is unknown or a value invalid.
        """
        object.__setattr__(
            self, "_values", {k: copy.deepcopy(s.default_value()) for k, s in self._specs.items()}
        )
        for k, v in values.items():
            self.set(k, v)

    def values(self) -> dict:
        """A deep copy of all values.

        Returns
        -------
        dict
            name -> value, in declaration order.
        """
        return copy.deepcopy(self._values)

    def validate(self, name: str, value: Any) -> Any:
        """Validated, normalised value for ``name`` (without storing it).

        A dict-slider accepts a partial dict, merged into the current value.

        Parameters
        ----------
        name : str
            A declared parameter.
        value : Any
            The proposed value.

        Returns
        -------
        Any
            The normalised value (never clipped).

        Raises
        ------
        KeyError
            If ``name`` is not declared.
        TypeError, ValueError
            If the value is invalid for its spec.
        """
        s = self.spec(name)
        if isinstance(s, DictSlider):
            return s.validate(name, value, partial_base=self._values[name])
        return s.validate(name, value)

    def set(self, name: str, value: Any) -> None:
        """Validate ``value`` and store it as parameter ``name``.

        Parameters
        ----------
        name : str
            A declared parameter.
        value : Any
            The new value.

        Raises
        ------
        KeyError, TypeError, ValueError
            As :meth:`validate`.
        """
        self._values[name] = self.validate(name, value)

    def as_ivisit(self, name: str) -> Any:
        """The value as IVISIT writes it (checkbox '0110', button '0'/'1', others as they are).

        Parameters
        ----------
        name : str
            A declared parameter.

        Returns
        -------
        Any
            The IVISIT representation.
        """
        s, v = self.spec(name), self._values[name]
        if isinstance(s, Checkbox):
            return checkbox_to_str(v)
        if isinstance(s, Button):
            return "1" if v else "0"
        return v


class Displays(_Declared):
    """Declared displays; the instance holds their contents (arrays, figures, text, scopes)."""

    _spec_base = DisplaySpec

    def __init__(self) -> None:
        """Every display starts at its spec's default; a scope gets an empty ScopeBuffer."""
        vals = {}
        for k, s in self._specs.items():
            if isinstance(s, Scope):
                from .displays import ScopeBuffer

                vals[k] = ScopeBuffer.from_spec(s)
            else:
                vals[k] = s.default
        object.__setattr__(self, "_values", vals)

    def set(self, name: str, value: Any) -> None:
        """Store the content of display ``name`` (normalised by its spec).

        Parameters
        ----------
        name : str
            A declared display.
        value : Any
            The content (array, figure, text ...).

        Raises
        ------
        KeyError
            If ``name`` is not declared.
        TypeError
            If ``name`` is a scope (draw on it with ``add(t, y)``).
        """
        s = self.spec(name)
        if isinstance(s, Scope):
            raise TypeError(
                f"display {name!r} is a scope: draw on it with .add(t, y), do not assign"
            )
        self._values[name] = s.validate(name, value)

    def get(self, name: str) -> Any:
        """The content of display ``name``.

        Parameters
        ----------
        name : str
            A declared display.

        Returns
        -------
        Any
            The stored content (a :class:`ScopeBuffer` for scopes).

        Raises
        ------
        KeyError
            If ``name`` is not declared.
        """
        self.spec(name)
        return self._values[name]

    def values(self) -> dict:
        """A shallow copy of all contents.

        Returns
        -------
        dict
            name -> content.
        """
        return dict(self._values)
