# The frozen upysh (micropython-lib micropython/upysh, documented API): shell-like commands on the
# board's files. Commands are objects: `ls`, `ls("dir")`, `cat("f")`, `cd("d")`, `pwd`.
import os


class LS:
    def __repr__(self):
        self.__call__()
        return ""

    def __call__(self, path="."):
        for name in sorted(os.listdir(path)):
            st = os.stat("%s/%s" % (path, name))
            if st[0] & 0x4000:
                print("   <dir> %s" % name)
            else:
                print("% 8d %s" % (st[6], name))


class PWD:
    def __repr__(self):
        return os.getcwd()

    def __call__(self):
        return self.__repr__()


class CLEAR:
    def __repr__(self):
        return "\x1b[2J\x1b[H"

    def __call__(self):
        return self.__repr__()


def head(f, n=10):
    with open(f) as file:
        for _ in range(n):
            line = file.readline()
            if not line:
                break
            print(line, end="")


def cat(f):
    head(f, 1 << 30)


def cd(path):
    os.chdir(path)


def mkdir(path):
    os.mkdir(path)


def rm(path):
    os.remove(path)


def rmdir(path):
    os.rmdir(path)


def newfile(path):
    print("Type file contents line by line, finish with EOF (Ctrl+D).")
    with open(path, "w") as f:
        while True:
            try:
                line = input()
            except EOFError:
                break
            f.write(line + "\n")


class Man:
    def __repr__(self):
        return "\nupysh: shell commands for the board's files (from upysh import *)\n" \
            "ls, ls('dir'), pwd, cd('dir'), cat('f'), head('f', n), newfile('f'),\n" \
            "cp('from', 'to'), mv('old', 'new'), rm('f'), mkdir('d'), rmdir('d'), clear, man\n"


def cp(s, t):
    with open(s, "rb") as fr, open(t, "wb") as fw:
        fw.write(fr.read())


def mv(s, t):
    os.rename(s, t)


man = Man()
pwd = PWD()
ls = LS()
clear = CLEAR()
print(man)
