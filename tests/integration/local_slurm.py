"""A throw-away single-node Slurm (munged + slurmctld + slurmd from Debian) in a temporary folder.

Everything lives under `base`: the munge key (0700 folder), munge's socket folder (0755), the Slurm
configuration, spool and state folders, pid and log files. Daemons listen on loopback ports chosen
free at start. The one thing outside `base` is `/etc/slurm/slurm.conf`: Snakemake's Slurm job step
drops SLURM_CONF, so jobs only find the configuration at the default path; we create it as a symlink
and remove it on stop (and refuse to start when a real configuration is there).
Every daemon is stopped by the PID it wrote; none is looked up by name.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

DEFAULT_CONF = Path("/etc/slurm/slurm.conf")
DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "squeue", "scontrol", "srun", "sinfo", "scancel", "mungekey")


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class LocalSlurm:
    """`with LocalSlurm(tmp) as slurm:` starts munged, slurmctld and slurmd; leaving stops them."""

    def __init__(self, base: Path, cpus: int | None = None, min_job_age: int = 300):
        self.base = Path(base)
        self.cpus = cpus or os.cpu_count() or 1
        self.min_job_age = min_job_age
        self.node = socket.gethostname().split(".")[0]
        self.pids: dict[str, int] = {}  # running daemons we started
        self.started_pids: list[int] = []  # every daemon we ever started (to check they are gone)
        self.linked_default_conf = False

    # -- paths ---------------------------------------------------------------------------------
    @property
    def conf(self) -> Path:
        return self.base / "etc" / "slurm.conf"

    @property
    def munge_socket(self) -> Path:
        return self.base / "munge-run" / "munge.socket.2"

    def env(self) -> dict[str, str]:
        return {**os.environ, "SLURM_CONF": str(self.conf)}

    # -- start / stop --------------------------------------------------------------------------
    def __enter__(self) -> LocalSlurm:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        if DEFAULT_CONF.exists() or DEFAULT_CONF.is_symlink():
            raise RuntimeError(f"{DEFAULT_CONF} exists: a real Slurm is configured here; not touching it")
        for name in ("etc", "state", "spool", "log", "run", "munge-run", "munge-key", "munge-lib"):
            (self.base / name).mkdir(parents=True, exist_ok=True)
        (self.base / "munge-run").chmod(0o755)  # munged refuses a socket folder others can write to
        (self.base / "munge-key").chmod(0o700)  # and a key others can read
        (self.base / "munge-lib").chmod(0o700)
        key = self.base / "munge-key" / "munge.key"
        subprocess.run(["mungekey", "--create", "--keyfile", str(key)], check=True, capture_output=True)
        key.chmod(0o600)
        self._start_munged(key)
        self._write_conf()
        DEFAULT_CONF.parent.mkdir(parents=True, exist_ok=True)
        DEFAULT_CONF.symlink_to(self.conf)
        self.linked_default_conf = True
        self._start_daemon("slurmctld", ["slurmctld", "-f", str(self.conf)], self.base / "run" / "slurmctld.pid")
        self._start_daemon("slurmd", ["slurmd", "-f", str(self.conf)], self.base / "run" / "slurmd.pid")
        self._wait_node_idle()

    def _start_munged(self, key: Path) -> None:
        pid_file = self.base / "munge-run" / "munged.pid"
        cmd = [
            "munged", f"--socket={self.munge_socket}", f"--key-file={key}", f"--pid-file={pid_file}",
            f"--log-file={self.base / 'log' / 'munged.log'}", f"--seed-file={self.base / 'munge-lib' / 'seed'}",
            "--force",  # running as root, with /tmp in the path
        ]
        self._start_daemon("munged", cmd, pid_file)

    def _start_daemon(self, name: str, cmd: list[str], pid_file: Path, timeout: float = 20) -> None:
        """Start a daemon that forks into the background and writes its PID file; remember that PID."""
        result = subprocess.run(cmd, env=self.env(), capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{name} failed to start: {result.stdout}{result.stderr}{self.logs()}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pid_file.is_file() and pid_file.read_text().strip().isdigit():
                self.pids[name] = int(pid_file.read_text().strip())
                self.started_pids.append(self.pids[name])
                return
            time.sleep(0.1)
        raise RuntimeError(f"{name} wrote no PID file {pid_file}{self.logs()}")

    def _write_conf(self) -> None:
        ctld_port, slurmd_port = free_ports(2)
        user = "root" if os.geteuid() == 0 else os.environ.get("USER", "root")
        memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)
        b = self.base
        self.conf.write_text(
            f"""# Written by tests/integration/local_slurm.py: one node, loopback only, no cgroups, no accounting.
ClusterName=gantheory-test
SlurmctldHost={self.node}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser={user}
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={self.munge_socket}
StateSaveLocation={b / 'state'}
SlurmdSpoolDir={b / 'spool'}
SlurmctldPidFile={b / 'run' / 'slurmctld.pid'}
SlurmdPidFile={b / 'run' / 'slurmd.pid'}
SlurmctldLogFile={b / 'log' / 'slurmctld.log'}
SlurmdLogFile={b / 'log' / 'slurmd.log'}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MinJobAge={self.min_job_age}
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
Waittime=0
SchedulerType=sched/backfill
NodeName={self.node} NodeAddr=127.0.0.1 CPUs={self.cpus} RealMemory={memory_mb} State=UNKNOWN
PartitionName=debug Nodes={self.node} Default=YES MaxTime=INFINITE State=UP
"""
        )

    def _wait_node_idle(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        state = ""
        while time.monotonic() < deadline:
            result = subprocess.run(
                ["sinfo", "--noheader", "--format=%T"], env=self.env(), capture_output=True, text=True, timeout=10
            )
            state = (result.stdout + result.stderr).strip()
            if result.returncode == 0 and state.startswith("idle"):
                return
            time.sleep(0.3)
        raise RuntimeError(f"the node never became idle (sinfo: {state!r}){self.logs()}")

    def stop(self) -> None:
        """Stop every daemon we started, by PID (slurmd, slurmctld, munged), and remove the symlink."""
        for name in ("slurmd", "slurmctld", "munged"):
            pid = self.pids.pop(name, None)
            if pid is not None:
                _terminate(pid)
        if self.linked_default_conf and DEFAULT_CONF.is_symlink():
            DEFAULT_CONF.unlink()
            self.linked_default_conf = False

    def logs(self) -> str:
        text = []
        for log in sorted((self.base / "log").glob("*.log")):
            text.append(f"\n--- {log.name} ---\n{log.read_text(errors='replace')[-3000:]}")
        return "".join(text)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers signal 0; treat it as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _terminate(pid: int, timeout: float = 15) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
