// SPDX-License-Identifier: MIT
/*
 * The default system behind rfc.h: a small SoC on hosted memory, built by the
 * soc layer (include/vcm/soc.h). 256 MiB of memfd memory at pa 0x80000000
 * (16 MiB of page tables, the rest memtype 0) and four devices: a DMA engine
 * with no MMU, a video decoder behind an MSM-like IOMMU model (ARMv7 short
 * descriptors), a display engine behind an SMMU-like model (ARMv8 4 KiB,
 * stage 1), and the CPU. Activation programs the models' context banks; the
 * RFC's lookups use the graph's tables.
 *
 * Also here: vcm_sys_init(), vcm_sys_destroy() and this thread's last result.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rfc_internal.h"

struct rfc_sys *rfc_sys_;

/*
 * The handle slots of every default system this process made: kept from one
 * system to the next (include/vcm/vcm.h, struct vcm_slots), so a handle kept
 * past vcm_sys_destroy() is -EINVAL in every later system, never a read of
 * freed memory. Made by the first vcm_sys_init(), kept for the process.
 */
static struct vcm_slots *rfc_slots;

static void *slots_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void slots_free(void *ctx, void *p, size_t size)
{
	(void)ctx;
	(void)size;
	free(p);
}

static const struct vcm_plat_ops rfc_slots_plat = {
	.meta_alloc = slots_alloc,
	.meta_free = slots_free,
};

/*
 * The graph's record for this thread (vcm_sys_cfg.diag_slot): a failing
 * native call writes its message here, and rfc_sys_err_() reads it back on
 * the same thread, so no other thread's message can get in between.
 */
static _Thread_local struct vcm_diag graph_diag;

static struct vcm_diag *graph_diag_slot(void *ctx)
{
	(void)ctx;
	return &graph_diag;
}

static _Thread_local int last_err;
static _Thread_local char last_msg[VCM_DIAG_MSG_LEN];
/* The call this thread is in: the C name of a vcm_rfc_ function (__func__). */
static _Thread_local const char *cur_fn;

/* The 2010 name of the call in progress: vcm_rfc_<x> is the 2010 vcm_<x>. */
static int put_name(void)
{
	static const char rfc_prefix[] = "vcm_rfc_";
	const char *fn = cur_fn != NULL ? cur_fn : "vcm_rfc_?";

	/* the 2010 calls go by their 2010 names; the helper that has none by its own */
	if (strncmp(fn, rfc_prefix, sizeof(rfc_prefix) - 1U) == 0 &&
	    strcmp(fn, "vcm_rfc_phys_to_cpu") != 0)
		return snprintf(last_msg, sizeof(last_msg), "vcm_%s: ",
				fn + sizeof(rfc_prefix) - 1U);
	return snprintf(last_msg, sizeof(last_msg), "%s: ", fn);
}

void rfc_enter_(const char *fn)
{
	cur_fn = fn;
	/* a native refusal that records nothing must not show an older message */
	graph_diag.msg[0] = '\0';
}

int rfc_ok_(void)
{
	last_err = 0;
	return 0;
}

int rfc_fail_(int err, const char *fmt, ...)
{
	va_list ap;
	int n = put_name();

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(last_msg))
		vsnprintf(last_msg + n, sizeof(last_msg) - (size_t)n, fmt, ap);
	va_end(ap);
	last_err = err;
	return err;
}

/*
 * Native argument names that the 2010 calls spell otherwise. @fn NULL: in
 * every call, where a message that starts with the name is renamed; a named
 * call's names are renamed wherever they stand as a word.
 */
static const struct {
	const char *fn, *native, *rfc;
} arg_names[] = {
	{ NULL, "mem", "physmem" },
	{ "vcm_rfc_clone", "src", "vcm" },
	{ "vcm_rfc_translate", "src", "src_vcm" },
	{ "vcm_rfc_translate", "dst", "dst_vcm" },
	{ "vcm_rfc_translate", "src_da", "src_dev_addr" },
	{ "vcm_rfc_get_next_phys_res", "prev", "res" },
	{ "vcm_rfc_get_next_phys_res", "pa", "phys" },
	{ "vcm_rfc_map_phys_addr", "pa", "phys" },
};

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* The 2010 name of the native argument word at @p (@at_start: the text's first), or NULL. */
static const char *rfc_name_at(const char *p, bool at_start, size_t *len)
{
	for (size_t i = 0; i < sizeof(arg_names) / sizeof(arg_names[0]); i++) {
		size_t n = strlen(arg_names[i].native);

		if (arg_names[i].fn == NULL ? !at_start :
		    cur_fn == NULL || strcmp(cur_fn, arg_names[i].fn) != 0)
			continue;
		if (strncmp(p, arg_names[i].native, n) == 0 && !word_char(p[n])) {
			*len = n;
			return arg_names[i].rfc;
		}
	}
	return NULL;
}

int rfc_sys_err_(int err)
{
	return rfc_sys_err_pre_(err, "");
}

int rfc_sys_err_pre_(int err, const char *pre)
{
	const char *msg = graph_diag.msg;
	const char *text = msg != NULL ? strstr(msg, ": ") : NULL;
	char out[sizeof(graph_diag.msg)];
	size_t o = 0;

	/* the native message names the native call: keep its text, under our name */
	if (text != NULL) {
		text += 2;
		for (const char *p = text; *p != '\0' && o + 1U < sizeof(out);) {
			size_t n = 0;
			/* a word of its own, not a quoted name (a device may be called "src") */
			const char *name = p == text || (!word_char(p[-1]) && p[-1] != '\'') ?
					   rfc_name_at(p, p == text, &n) : NULL;

			if (name == NULL) {
				out[o++] = *p++;
				continue;
			}
			for (; *name != '\0' && o + 1U < sizeof(out); name++)
				out[o++] = *name;
			p += n;
		}
		out[o] = '\0';
		return rfc_fail_(err, "%s%s", pre, out);
	}
	if (msg != NULL && *msg != '\0')
		return rfc_fail_(err, "%s%s", pre, msg);
	return rfc_fail_(err, "%s%s", pre, vcm_strerror(err));
}

int rfc_sys_refused_(void)
{
	if (graph_diag.msg[0] == '\0')
		return 0;
	return graph_diag.err < 0 ? graph_diag.err : -EINVAL;
}

struct rfc_sys *rfc_get_(const char *fn)
{
	struct rfc_sys *s = rfc_sys_;

	rfc_enter_(fn);
	if (s == NULL)
		rfc_fail_(-ENODEV, "no system: call vcm_sys_init() first");
	return s;
}

int vcm_rfc_errno(void)
{
	return last_err;
}

const char *vcm_rfc_last_error(void)
{
	return last_err != 0 ? last_msg : "";
}

/* ---- faults -------------------------------------------------------------- */

pthread_mutex_t rfc_hook_lock_ = PTHREAD_MUTEX_INITIALIZER;

int rfc_fault_trampoline_(struct vcm_dev *dev, void *data, const struct vcm_fault *fault)
{
	struct rfc_dev *d = data;
	vcm_rfc_handler fn;
	void *arg;

	(void)dev;
	pthread_mutex_lock(&rfc_hook_lock_);
	fn = d->handler;
	arg = d->handler_data;
	pthread_mutex_unlock(&rfc_hook_lock_);
	if (fn == NULL)
		return VCM_FAULT_TERMINATE;
	return fn(d->name, arg, fault) != 0 ? VCM_FAULT_RETRY : VCM_FAULT_TERMINATE;
}

struct rfc_dev *rfc_dev_find_(struct rfc_sys *s, const char *name)
{
	if (name == NULL)
		return NULL;
	for (unsigned int i = 0; i < RFC_NR_DEVS; i++)
		if (s->devs[i].dev != NULL && strcmp(s->devs[i].name, name) == 0)
			return &s->devs[i];
	return NULL;
}

/* ---- building the SoC ---------------------------------------------------- */

static void sys_lock(void *ctx)
{
	pthread_mutex_lock(ctx);
}

static void sys_unlock(void *ctx)
{
	pthread_mutex_unlock(ctx);
}

/* The models in front of vcodec and mdp, with the versions vcm_hw_ver() reports. */
static const struct vcm_sim_iommu_cfg rfc_iommus[] = {
	{ .kind = VCM_SIM_IOMMU_MSM, .name = "vcodec-iommu", .hw_version = 0x10000U },
	{ .kind = VCM_SIM_IOMMU_SMMU_S1, .name = "mdp-iommu", .hw_version = 0x20000U },
};

/* Index i here is devs[i] of struct rfc_sys. */
static const struct vcm_soc_dev_cfg rfc_devs[RFC_NR_DEVS] = {
	{ .name = "dma", .kind = VCM_SOC_DEV_DMA, .hw_version = 0x1U },
	{ .name = "vcodec", .kind = VCM_SOC_DEV_PT, .pt = { .fmt = &vcm_pt_fmt_armv7s },
	  .iommu = 0 },
	{ .name = "mdp", .kind = VCM_SOC_DEV_PT,
	  .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 40, .granule_lg2 = 12 },
	  .iommu = 1 },
	/* the CPU's MMU is the host's: nothing to program */
	{ .name = "cpu", .kind = VCM_SOC_DEV_CPU, .nr_bases = 2 },
};

int rfc_soc_build_(struct rfc_sys *s, struct vcm_diag *diag)
{
	static const struct vcm_soc_memtype mt = { .chunk_sizes = VCM_PHYS_DEFAULT_SIZES };
	struct vcm_soc_cfg cfg = {
		.mem_pa = RFC_MEM_PA, .mem_len = RFC_MEM_LEN, .table_bytes = RFC_TABLE_BYTES,
		.memtypes = &mt, .nr_memtypes = RFC_NR_MEMTYPES,
		.iommus = rfc_iommus, .nr_iommus = sizeof(rfc_iommus) / sizeof(rfc_iommus[0]),
		.devs = rfc_devs, .nr_devs = RFC_NR_DEVS,
		.lock = &s->lock_ops,
		.diag_slot = graph_diag_slot,
		.slots = rfc_slots,
	};
	int ret;

	s->lock_ops = (struct vcm_sys_lock){ sys_lock, sys_unlock, &s->lock };
	if (pthread_mutex_init(&s->lock, NULL) != 0)
		return -ENOMEM;
	ret = vcm_soc_create(&cfg, &s->soc, diag);
	if (ret < 0) {
		pthread_mutex_destroy(&s->lock);
		return ret;
	}
	s->sys = vcm_soc_sys(s->soc);
	s->mem = vcm_soc_mem(s->soc);
	for (unsigned int i = 0; i < RFC_NR_DEVS; i++) {
		struct rfc_dev *d = &s->devs[i];

		d->name = rfc_devs[i].name;
		d->nr_bases = rfc_devs[i].nr_bases != 0U ? rfc_devs[i].nr_bases : 1U;
		d->iommu = rfc_devs[i].kind == VCM_SOC_DEV_PT;
		d->dev = vcm_soc_dev(s->soc, i);
	}
	return 0;
}

int rfc_soc_teardown_(struct rfc_sys *s)
{
	int ret = vcm_soc_destroy(s->soc);

	for (unsigned int i = 0; i < RFC_NR_DEVS; i++)
		s->devs[i].dev = vcm_soc_dev(ret == 0 ? NULL : s->soc, i);
	if (ret < 0)
		return ret;
	s->soc = NULL;
	s->sys = NULL;
	s->mem = NULL;
	pthread_mutex_destroy(&s->lock);
	return 0;
}

int vcm_rfc_sys_init(void)
{
	struct vcm_diag diag = { 0 };
	struct rfc_sys *s;
	int ret;

	rfc_enter_(__func__);
	if (rfc_sys_ != NULL)
		return rfc_fail_(-EBUSY, "the default system exists already");
	if (rfc_slots == NULL) {
		ret = vcm_slots_create(&rfc_slots_plat, &rfc_slots, &diag);
		if (ret < 0)
			return rfc_fail_(ret, "%s", diag.msg);
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return rfc_fail_(-ENOMEM, "no memory for the system");
	ret = rfc_soc_build_(s, &diag);
	if (ret < 0) {
		free(s);
		return rfc_fail_(ret, "%s", diag.msg[0] ? diag.msg : "failed");
	}
	rfc_sys_ = s;
	return rfc_ok_();
}

int vcm_rfc_sys_destroy(void)
{
	struct rfc_sys *s = rfc_get_(__func__);
	struct vcm_sys_counts c = { 0 };
	int ret;

	if (s == NULL)
		return -ENODEV;
	/* the graph's own counts: what vcm.h's calls made on these handles counts too */
	ret = vcm_sys_counts(s->sys, &c);
	if (ret < 0)
		return rfc_sys_err_(ret);
	if (c.vcms != 0U || c.mems != 0U || c.devs != RFC_NR_DEVS)
		return rfc_fail_(-EBUSY, "%llu VCMs, %llu physical allocations and %llu devices "
				 "(the SoC's are %u) are still live", (unsigned long long)c.vcms,
				 (unsigned long long)c.mems, (unsigned long long)c.devs,
				 (unsigned int)RFC_NR_DEVS);
	ret = rfc_soc_teardown_(s);
	if (ret < 0) {
		const char *msg = vcm_soc_last_error(s->soc), *text = strstr(msg, ": ");

		return rfc_fail_(ret, "%s", text != NULL ? text + 2 : msg);
	}
	rfc_sys_ = NULL;
	free(s);
	return rfc_ok_();
}

void *vcm_rfc_phys_to_cpu(vcm_pa_t pa)
{
	struct rfc_sys *s = rfc_get_(__func__);
	void *p;

	if (s == NULL)
		return NULL;
	p = vcm_hosted_mem_cpu(s->mem, pa);
	if (p == NULL) {
		rfc_fail_(-EINVAL, "pa %#llx is outside the system's memory", (unsigned long long)pa);
		return NULL;
	}
	rfc_ok_();
	return p;
}
