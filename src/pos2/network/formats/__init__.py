"""Network file formats: pos2 TOML, pandapipes JSON and GasLib XML, behind one loader.

:func:`load_network_file` reads any of them and returns the network together with the gas and the
friction law the file names (a TOML file may carry ``[gas]`` and ``[solver]`` tables; see
``docs/network_format.md``; a GasLib file carries its gas as pseudo-critical data).
"""

from pos2.network.formats.loader import NetworkFile, gas_from_spec, load_network_file

__all__ = ["NetworkFile", "gas_from_spec", "load_network_file"]
