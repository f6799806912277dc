/*
 * qos.c - the arithmetic of [limits] (see qos.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/qos.h"
#include "util/banned.h"

unsigned qos_weight_to_shares(unsigned weight)
{
	uint64_t s = (uint64_t)weight * 1024 / 100;

	return s < QOS_SHARES_MIN ? QOS_SHARES_MIN : s > QOS_SHARES_MAX ? QOS_SHARES_MAX : (unsigned)s;
}

unsigned qos_shares_to_weight(unsigned long long shares)
{
	unsigned long long w = shares > QOS_SHARES_MAX * 1000ULL ? QOS_WEIGHT_MAX : shares * 100 / 1024;

	return w < QOS_WEIGHT_MIN ? QOS_WEIGHT_MIN : w > QOS_WEIGHT_MAX ? QOS_WEIGHT_MAX : (unsigned)w;
}

int qos_cpu_max_parse(const char *text, unsigned *pct, struct strbuf *why)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = *text >= '0' && *text <= '9' ? strtoul(text, &end, 10) : 0;
	if (!v || errno || strcmp(end, "%") || v > QOS_CPU_MAX_PCT_MAX) {
		strbuf_addf(why, "expected a share of one CPU as \"N%%\", 1%% to %u%% (\"250%%\": two and a half CPUs), got '%s'",
			    QOS_CPU_MAX_PCT_MAX, text);
		return -1;
	}
	*pct = (unsigned)v;
	return 0;
}

uint64_t qos_cpu_quota_us(unsigned pct)
{
	return (uint64_t)pct * QOS_CPU_PERIOD_US / 100;
}

void qos_cpu_max_format(unsigned pct, struct strbuf *sb)
{
	if (!pct)
		strbuf_addf(sb, "max %d", QOS_CPU_PERIOD_US);
	else
		strbuf_addf(sb, "%llu %d", (unsigned long long)qos_cpu_quota_us(pct), QOS_CPU_PERIOD_US);
}

unsigned qos_cpu_max_pct(long long quota_us, long long period_us)
{
	if (quota_us <= 0 || period_us <= 0)
		return 0;
	return (unsigned)((quota_us * 100 + period_us / 2) / period_us);
}

uint64_t qos_memory_floor(const struct vm_config *cfg)
{
	uint64_t floor = cfg->mem_bytes + QOS_OVERHEAD_BASE + cfg->mem_bytes / 50;

	if (cfg->display.gpu == GPU_STD || cfg->display.gpu == GPU_VIRTIO)
		floor += QOS_VIDEO_MEM;
	if (cfg->lg.enable == 1)
		floor += cfg->lg.size;
	return floor;
}
