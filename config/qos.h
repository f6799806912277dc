/*
 * qos.h - a VM's CPU and memory limits ([limits]): the arithmetic every
 * cgroup backend and the config share (pure, no I/O).
 *
 * cpu_weight is cgroup v2's and systemd's CPUWeight (1..10000, 100 the
 * default share); cgroup v1 has cpu.shares (1024 the default), so a weight
 * becomes weight * 1024 / 100 shares, clamped to the kernel's 2..262144.
 * cpu_max is a percentage of one CPU ("250%": two and a half CPUs), a
 * quota over a period of QOS_CPU_PERIOD_US: v2's cpu.max "250000 100000",
 * v1's cpu.cfs_quota_us and cpu.cfs_period_us, systemd's CPUQuota=250%.
 */
#ifndef MVL_QOS_H
#define MVL_QOS_H

#include <stdint.h>

#include "config/vm_config.h"
#include "util/strbuf.h"

#define QOS_CPU_PERIOD_US 100000
#define QOS_WEIGHT_MIN 1
#define QOS_WEIGHT_MAX 10000
#define QOS_SHARES_MIN 2
#define QOS_SHARES_MAX 262144
/* "N%": 1% (a quota of 1000 us, the kernel's least) to every vCPU mvlaunch allows, busy */
#define QOS_CPU_MAX_PCT_MAX (100 * VM_MAX_VCPUS)

/* cgroup v1 cpu.shares for a CPU weight: weight * 1024 / 100, clamped to 2..262144. */
unsigned qos_weight_to_shares(unsigned weight);
/* The CPU weight of v1 shares (or libvirt's <shares>): shares * 100 / 1024, clamped to 1..10000. */
unsigned qos_shares_to_weight(unsigned long long shares);

/* "250%" -> 250; 0, or -1 with the reason in why ("N%", N from 1 to QOS_CPU_MAX_PCT_MAX). */
int qos_cpu_max_parse(const char *text, unsigned *pct, struct strbuf *why);
/* The quota in microseconds a period of QOS_CPU_PERIOD_US for pct percent. */
uint64_t qos_cpu_quota_us(unsigned pct);
/* cgroup v2's cpu.max for pct ("250000 100000"); 0: "max 100000" (no limit). */
void qos_cpu_max_format(unsigned pct, struct strbuf *sb);
/*
 * A quota over a period (v2 cpu.max "Q P", v1 quota and period; Q < 0 or
 * "max": none) as a percentage, rounded to the nearest; 0 for no limit.
 */
unsigned qos_cpu_max_pct(long long quota_us, long long period_us);

/*
 * The least memory_max and memory_high a VM may have: its guest RAM plus
 * what QEMU needs beside it, QOS_OVERHEAD_BASE + 2% of the RAM (page
 * tables, the TCG translation cache, device and I/O buffers), plus video
 * memory (16 MiB with an emulated GPU) and the Looking Glass buffer. Below
 * it the kernel's OOM killer ends QEMU as the guest fills its RAM.
 */
#define QOS_OVERHEAD_BASE (UINT64_C(256) << 20)
#define QOS_VIDEO_MEM (UINT64_C(16) << 20)
uint64_t qos_memory_floor(const struct vm_config *cfg);

#endif
