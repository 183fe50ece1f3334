#!/usr/bin/env bash
# A single-node Slurm on this machine, for the suite's Slurm test and for trying `peftbench suite slurm` without a
# cluster: installs Debian's slurmctld, slurmd and munge when missing, writes a slurm.conf for localhost with this
# machine's CPUs and memory, starts munged, slurmctld and slurmd, and waits until the node takes jobs.
#   bash scripts/slurm-local.sh start   # idempotent
#   bash scripts/slurm-local.sh stop
# Needs root (or sudo) for apt and the daemons.
set -euo pipefail

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "slurm-local: needs root or sudo" >&2; exit 1; }
  sudo="sudo"
fi

conf_dir=/etc/slurm
node=$(hostname -s)

stop() {
  $sudo pkill -x slurmd 2>/dev/null || true
  $sudo pkill -x slurmctld 2>/dev/null || true
}

start() {
  missing=()
  for p in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "slurm-local: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi

  # munge authenticates the daemons to each other; one key on one machine.
  if [ ! -s /etc/munge/munge.key ]; then
    $sudo mkdir -p /etc/munge
    $sudo dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  $sudo chown munge:munge /etc/munge/munge.key
  $sudo chmod 400 /etc/munge/munge.key
  $sudo mkdir -p /run/munge /var/log/munge /var/lib/munge
  $sudo chown munge:munge /run/munge /var/log/munge /var/lib/munge
  if ! pgrep -x munged >/dev/null; then
    $sudo runuser -u munge -- /usr/sbin/munged
  fi

  cpus=$(nproc)
  # slurmd refuses a node that claims more memory than it has; leave some for the system.
  mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
  $sudo mkdir -p "$conf_dir" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
  $sudo tee "$conf_dir/slurm.conf" >/dev/null <<CONF
ClusterName=peftbench-local
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SchedulerParameters=sched_interval=1
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
  pgrep -x slurmctld >/dev/null || $sudo /usr/sbin/slurmctld
  pgrep -x slurmd >/dev/null || $sudo /usr/sbin/slurmd
  for _ in $(seq 1 60); do
    state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
    case "$state" in
      idle*|mixed*|allocated*) echo "slurm-local: node $node is $state" >&2; return 0 ;;
      down*|drain*) $sudo scontrol update nodename="$node" state=resume 2>/dev/null || true ;;
    esac
    sleep 1
  done
  echo "slurm-local: the node did not come up (see /var/log/slurm/)" >&2
  exit 1
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
