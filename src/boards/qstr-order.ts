/**
 * The order of names in the firmware's qstr pools, which every listing that walks qstrs by number
 * follows: dir(obj) probes each qstr from the first (py/modbuiltins.c v1.23.0:165-178), and Tab after
 * "import " lists module names so (py/repl.c:157-237). py/makeqstrdata.py (v1.23.0:396-418) puts the
 * static list first, in its order (:58-224), then every other name of the firmware sorted by its
 * text (:413-418; the ESP ports' and rp2's names alike). The names below are the static list's that
 * can name an attribute or a module (its "", "\n", " ", "*", "/", "<module>" and "utf-8" can't).
 * UNVERIFIED for the mPython's labplus firmware (v1.12-era), whose generator predates the sorted pool.
 */
const STATIC_QSTRS = [
  "__dir__", "_", "__call__", "__class__", "__delitem__", "__enter__", "__exit__", "__getattr__", "__getitem__", "__hash__",
  "__init__", "__int__", "__iter__", "__len__", "__main__", "__module__", "__name__", "__new__", "__next__", "__qualname__",
  "__repr__", "__setitem__", "__str__", "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "EOFError",
  "Ellipsis", "Exception", "GeneratorExit", "ImportError", "IndentationError", "IndexError", "KeyError", "KeyboardInterrupt",
  "LookupError", "MemoryError", "NameError", "NoneType", "NotImplementedError", "OSError", "OverflowError", "RuntimeError",
  "StopIteration", "SyntaxError", "SystemExit", "TypeError", "ValueError", "ZeroDivisionError", "abs", "all", "any", "append",
  "args", "bool", "builtins", "bytearray", "bytecode", "bytes", "callable", "chr", "classmethod", "clear", "close", "const",
  "copy", "count", "dict", "dir", "divmod", "end", "endswith", "eval", "exec", "extend", "find", "format", "from_bytes", "get",
  "getattr", "globals", "hasattr", "hash", "id", "index", "insert", "int", "isalpha", "isdigit", "isinstance", "islower",
  "isspace", "issubclass", "isupper", "items", "iter", "join", "key", "keys", "len", "list", "little", "locals", "lower",
  "lstrip", "main", "map", "micropython", "next", "object", "open", "ord", "pop", "popitem", "pow", "print", "range", "read",
  "readinto", "readline", "remove", "replace", "repr", "reverse", "rfind", "rindex", "round", "rsplit", "rstrip", "self", "send",
  "sep", "set", "setattr", "setdefault", "sort", "sorted", "split", "start", "startswith", "staticmethod", "step", "stop", "str",
  "strip", "sum", "super", "throw", "to_bytes", "tuple", "type", "update", "upper", "value", "values", "write", "zip",
];

const STATIC_INDEX = new Map(STATIC_QSTRS.map((name, i) => [name, i]));

/** Compares two names as their qstrs' numbers in the firmware compare. */
export function qstrOrder(a: string, b: string): number {
  const [i, j] = [STATIC_INDEX.get(a), STATIC_INDEX.get(b)];
  if (i !== undefined || j !== undefined) return (i ?? Infinity) - (j ?? Infinity);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The names in the firmware's qstr order (a new list). */
export function inQstrOrder(names: readonly string[]): string[] {
  return [...names].sort(qstrOrder);
}
