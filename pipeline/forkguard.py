"""Imported by the fork server of `vanban ingest` only (it is in the fork server's preload list): the
fork server dies with the writer that started it, and the workers it forks die with it, so no worker
outlives a writer killed with `kill -9`. (The fork server alone would live on as long as a busy worker
keeps its end of the writer's pipe open.)"""
import os
import signal

from pipeline.proc import WRITER_PID_ENV, arm_parent_death

_writer = os.environ.pop(WRITER_PID_ENV, "")  # not handed down to the workers and their tools
if _writer.isdigit():
    arm_parent_death(signal.SIGKILL)
    if os.getppid() != int(_writer):  # the writer died before the signal was armed
        os._exit(1)
