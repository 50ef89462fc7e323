# The firmware's attrtuple (py/objattrtuple.c): a tuple whose fields also read as attributes,
# printed (name=value, ...) as sys.implementation and os.uname() are.
def make(fields, values):
    values = tuple(values)

    class attrtuple(tuple):
        def __getattr__(self, name):
            if name in fields:
                return values[fields.index(name)]
            raise AttributeError("'tuple' object has no attribute '%s'" % name)

        def __repr__(self):
            return "(" + ", ".join("%s=%r" % (k, v) for k, v in zip(fields, values)) + ")"

        __str__ = __repr__

    return attrtuple(values)
