#!/usr/bin/env python3
"""Checks that cvm.hpp covers the C API: every function cvm.h declares is called by the C++
layer (include/cvm.hpp and include/cvm/*.hpp), the `_free` of each handle through the
CVM_HPP_HANDLE list. Prints what is missing and exits 1, so the wrapper cannot drift.

Usage: audit_wrapper.py [include-dir]   (default: include)
"""
import pathlib
import re
import sys


def c_functions(header: str) -> set:
    text = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"#define[^\n]*", "", text)
    # A declaration: return type, name, parameter list, semicolon (no body, no typedef).
    return set(re.findall(r"\b(cvm_\w+)\s*\([^;{)]*\)\s*;", text))


def used(sources: list) -> set:
    names = set()
    for text in sources:
        code = re.sub(r"//[^\n]*", "", text)  # a name in a comment is not a use
        names |= set(re.findall(r"\bcvm_\w+", code))
        for ctype in re.findall(r"CVM_HPP_HANDLE\(\s*\w+\s*,\s*(cvm_\w+)\s*\)", code):
            names.add(ctype + "_free")
    return names


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "include")
    declared = c_functions((root / "cvm.h").read_text())
    parts = [root / "cvm.hpp", *sorted((root / "cvm").glob("*.hpp"))]
    missing = sorted(declared - used([p.read_text() for p in parts]))
    if not declared:
        print("audit_wrapper: no function found in cvm.h (parser broken?)")
        return 1
    if missing:
        print(f"audit_wrapper: {len(missing)} of {len(declared)} C functions have no C++ wrapper:")
        for name in missing:
            print(f"  {name}")
        return 1
    print(f"audit_wrapper: all {len(declared)} C functions of cvm.h are used by cvm.hpp ({len(parts)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
