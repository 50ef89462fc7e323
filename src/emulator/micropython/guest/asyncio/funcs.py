# asyncio.funcs (extmod/asyncio/funcs.py v1.23.0): wait_for, wait_for_ms, gather.
from . import core


def wait_for(aw, timeout, sleep=core.sleep):
    task = core._promote_to_task(aw)
    if timeout is None:
        return (yield from task)
    if not task.done():
        task._waiters.append(core._loop.park())
        yield from sleep(timeout)  # whichever comes first wakes this task: the other's wake-up is stale
    if not task.done():
        # funcs.py:48-51: the cancel reaches the task and wait_for waits for it to end (its clean-up
        # may take time) before TimeoutError; what it raised is dropped.
        task.cancel()
        task._awaited = True
        if not task.done():
            task._waiters.append(core._loop.park())
            yield None
        raise core.TimeoutError
    return task.result()


def wait_for_ms(aw, timeout):
    return wait_for(aw, timeout, core.sleep_ms)  # funcs.py:54-55: milliseconds, never through a float


def gather(*aws, return_exceptions=False):
    tasks = [core._promote_to_task(aw) for aw in aws]
    for task in tasks:
        task._awaited = True
    results = []
    for task in tasks:
        try:
            results.append((yield from task))
        except BaseException as e:
            if not return_exceptions or isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            results.append(e)
    return results
