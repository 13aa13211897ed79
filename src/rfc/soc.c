// SPDX-License-Identifier: MIT
/*
 * The default system behind rfc.h: a small SoC on hosted memory. 256 MiB of
 * memfd memory at pa 0x80000000 (16 MiB of page tables, the rest memtype 0)
 * and four devices: a DMA engine with no MMU, a video decoder behind an ARMv7
 * short-descriptor IOMMU, a display engine behind an ARMv8 4 KiB stage-1
 * IOMMU, and the CPU. The IOMMUs are register models: activation stores the
 * table registers, TLB invalidations are counted. There is no simulated
 * walker here (that is the sim layer's job); lookups use the graph's tables.
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

static _Thread_local int last_err;
static _Thread_local char last_msg[VCM_DIAG_MSG_LEN];
/* The call this thread is in: the C name of a vcm_rfc_ function (__func__). */
static _Thread_local const char *cur_fn;

/* The 2010 name of the call in progress: vcm_rfc_<x> is the 2010 vcm_<x>. */
static int put_name(void)
{
	static const char rfc_prefix[] = "vcm_rfc_";
	const char *fn = cur_fn != NULL ? cur_fn : "vcm_rfc_?";

	if (strncmp(fn, rfc_prefix, sizeof(rfc_prefix) - 1U) == 0)
		return snprintf(last_msg, sizeof(last_msg), "vcm_%s: ",
				fn + sizeof(rfc_prefix) - 1U);
	return snprintf(last_msg, sizeof(last_msg), "%s: ", fn);
}

void rfc_enter_(const char *fn)
{
	cur_fn = fn;
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

int rfc_sys_err_(int err)
{
	const char *msg = rfc_sys_ != NULL ? vcm_sys_last_error(rfc_sys_->sys) : NULL;
	const char *text = msg != NULL ? strstr(msg, ": ") : NULL;

	/* the native message names the native call: keep its text, under our name */
	if (text != NULL)
		return rfc_fail_(err, "%s", text + 2);
	if (msg != NULL && *msg != '\0')
		return rfc_fail_(err, "%s", msg);
	return rfc_fail_(err, "%s", vcm_strerror(err));
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

/* ---- the register model of an IOMMU context ------------------------------ */

static int regs_program(void *ctx, unsigned int base, const struct vcm_hw_regs *hw)
{
	struct rfc_dev *d = ctx;

	if (base >= d->nr_bases)
		return -EINVAL;
	if (hw != NULL)
		d->regs[base] = *hw;
	else
		memset(&d->regs[base], 0, sizeof(d->regs[base]));
	d->enabled[base] = true;
	return 0;
}

static void regs_clear(void *ctx, unsigned int base)
{
	struct rfc_dev *d = ctx;

	if (base < d->nr_bases)
		d->enabled[base] = false;
}

static void regs_tlb_range(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf)
{
	struct rfc_dev *d = ctx;

	(void)base;
	(void)da;
	(void)len;
	(void)leaf;
	atomic_fetch_add(&d->tlb_range_calls, 1U);
}

static void regs_tlb_all(void *ctx, unsigned int base)
{
	struct rfc_dev *d = ctx;

	(void)base;
	atomic_fetch_add(&d->tlb_all_calls, 1U);
}

static uint32_t regs_hw_version(void *ctx)
{
	const struct rfc_dev *d = ctx;

	return d->hw_ver;
}

static const struct vcm_dev_ops regs_ops = {
	.program = regs_program,
	.clear = regs_clear,
	.tlb_range = regs_tlb_range,
	.tlb_all = regs_tlb_all,
	.hw_version = regs_hw_version,
};

/* ---- faults -------------------------------------------------------------- */

int rfc_fault_trampoline_(struct vcm_dev *dev, void *data, const struct vcm_fault *fault)
{
	struct rfc_dev *d = data;
	vcm_rfc_handler fn = atomic_load(&d->handler);

	(void)dev;
	if (fn == NULL)
		return VCM_FAULT_TERMINATE;
	return fn(d->name, atomic_load(&d->handler_data), fault) != 0 ? VCM_FAULT_RETRY
									: VCM_FAULT_TERMINATE;
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

static int add_dev(struct rfc_sys *s, unsigned int i, const char *name, uint32_t ver,
		   struct vcm_dev_cfg *cfg)
{
	struct rfc_dev *d = &s->devs[i];
	int ret;

	d->name = name;
	d->hw_ver = ver;
	d->nr_bases = cfg->nr_bases;
	d->iommu = cfg->mapper == &vcm_mapper_pt;
	cfg->name = name;
	if (cfg->ops == NULL) {
		cfg->ops = &regs_ops;
		cfg->ctx = d;
	}
	ret = vcm_dev_register(s->sys, cfg, &d->dev);
	if (ret < 0)
		d->dev = NULL;
	return ret;
}

static void sys_lock(void *ctx)
{
	pthread_mutex_lock(ctx);
}

static void sys_unlock(void *ctx)
{
	pthread_mutex_unlock(ctx);
}

int rfc_soc_build_(struct rfc_sys *s, struct vcm_diag *diag)
{
	struct vcm_phys_memtype_cfg mt = { .ranges = s->ranges, .nr_ranges = 1,
					   .chunk_sizes = VCM_PHYS_DEFAULT_SIZES };
	struct vcm_sys_cfg cfg = { .memtypes = &mt, .nr_memtypes = RFC_NR_MEMTYPES,
				   .lock = &s->lock_ops };
	struct vcm_dev_cfg dma = { .mapper = &vcm_mapper_one_to_one, .nr_bases = 1 };
	static const struct vcm_pt_cfg vcodec_pt = { .fmt = &vcm_pt_fmt_armv7s };
	static const struct vcm_pt_cfg mdp_pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 40,
						  .granule_lg2 = 12 };
	struct vcm_dev_cfg vcodec = {
		.mapper = &vcm_mapper_pt,
		.mapper_cfg = &vcodec_pt,
		.nr_bases = 1,
	};
	struct vcm_dev_cfg mdp = {
		.mapper = &vcm_mapper_pt,
		.mapper_cfg = &mdp_pt,
		.nr_bases = 1,
	};
	int ret;

	s->lock_ops = (struct vcm_sys_lock){ sys_lock, sys_unlock, &s->lock };
	if (pthread_mutex_init(&s->lock, NULL) != 0)
		return -ENOMEM;
	ret = vcm_hosted_mem_create(RFC_MEM_PA, RFC_MEM_LEN, RFC_TABLE_BYTES, &s->mem, diag);
	if (ret < 0)
		return ret;
	vcm_hosted_mem_free_range(s->mem, &s->ranges[0].pa, &s->ranges[0].len);
	cfg.plat = vcm_hosted_mem_plat(s->mem);
	ret = vcm_sys_create(&cfg, &s->sys, diag);
	if (ret < 0)
		goto fail_mem;

	/* The CPU needs no register model (its MMU is the host's): ops with no calls. */
	static const struct vcm_dev_ops no_ops;
	struct vcm_dev_cfg cpu = {
		.mapper = &vcm_hosted_cpu_mapper,
		.mapper_ctx = s->mem,
		.nr_bases = 2,
		.ops = &no_ops,
	};

	if ((ret = add_dev(s, 0, "dma", 0x1U, &dma)) < 0 ||
	    (ret = add_dev(s, 1, "vcodec", 0x10000U, &vcodec)) < 0 ||
	    (ret = add_dev(s, 2, "mdp", 0x20000U, &mdp)) < 0 ||
	    (ret = add_dev(s, 3, "cpu", 0U, &cpu)) < 0) {
		if (diag != NULL) {
			diag->err = ret;
			snprintf(diag->msg, sizeof(diag->msg), "%s", vcm_sys_last_error(s->sys));
		}
		goto fail_sys;
	}
	return 0;

fail_sys:
	for (unsigned int i = RFC_NR_DEVS; i-- > 0;)
		if (s->devs[i].dev != NULL)
			(void)vcm_dev_unregister(s->devs[i].dev);
	(void)vcm_sys_destroy(s->sys);
fail_mem:
	(void)vcm_hosted_mem_destroy(s->mem);
	pthread_mutex_destroy(&s->lock);
	return ret;
}

int rfc_soc_teardown_(struct rfc_sys *s)
{
	int ret;

	for (unsigned int i = RFC_NR_DEVS; i-- > 0;) {
		if (s->devs[i].dev == NULL)
			continue;
		ret = vcm_dev_unregister(s->devs[i].dev);
		if (ret < 0)
			return ret;
		s->devs[i].dev = NULL;
	}
	ret = vcm_sys_destroy(s->sys);
	if (ret < 0)
		return ret;
	ret = vcm_hosted_mem_destroy(s->mem);
	pthread_mutex_destroy(&s->lock);
	return ret;
}

int vcm_rfc_sys_init(void)
{
	struct vcm_diag diag = { 0 };
	struct rfc_sys *s;
	int ret;

	rfc_enter_(__func__);
	if (rfc_sys_ != NULL)
		return rfc_fail_(-EBUSY, "the default system exists already");
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
	long vcms, mems;
	int ret;

	if (s == NULL)
		return -ENODEV;
	vcms = atomic_load(&s->live_vcms);
	mems = atomic_load(&s->live_mems);
	if (vcms != 0 || mems != 0)
		return rfc_fail_(-EBUSY, "%ld VCMs and %ld physical allocations are still live",
				 vcms, mems);
	ret = rfc_soc_teardown_(s);
	if (ret < 0)
		return rfc_sys_err_(ret);
	rfc_sys_ = NULL;
	free(s);
	return rfc_ok_();
}

void *vcm_rfc_phys_to_cpu(vcm_pa_t pa)
{
	struct rfc_sys *s = rfc_sys_;

	return s != NULL ? vcm_hosted_mem_cpu(s->mem, pa) : NULL;
}
