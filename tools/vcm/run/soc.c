// SPDX-License-Identifier: MIT
/*
 * Builds the simulated SoC of a platform description over the mapping graph,
 * and tears it down in reverse order. Every step is a public graph call; the
 * IOMMU models see the tables only through vcm_sim_iommu_ops (program, TLB
 * invalidations), as a driver's hardware would.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <vcm/err.h>
#include "soc.h"

#define PROT_RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

static int failf(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static int failf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int lib(struct soc *s, char *err, size_t errlen, int r, const char *what)
{
	if (r == 0)
		return 0;
	return failf(err, errlen, "%s: %s (%s)", what,
		     s->sys != NULL ? vcm_sys_last_error(s->sys) : "", vcm_strerror(r));
}

static enum vcm_sim_iommu_kind model_of(enum plat_fmt f)
{
	return f == PLAT_FMT_ARMV7S ? VCM_SIM_IOMMU_MSM : VCM_SIM_IOMMU_SMMU_S1;
}

/*
 * The hardware of the description, built by the soc layer: memory and
 * memtypes, one IOMMU model per iommu line, the masters behind them (in
 * order), the DMA engine, the CPU.
 */
static int build_hardware(struct soc *s, char *err, size_t errlen)
{
	const struct plat_desc *d = s->d;
	struct vcm_soc_memtype mts[PLAT_MAX_MEMTYPE];
	struct vcm_sim_iommu_cfg iommus[PLAT_MAX_IOMMU];
	struct vcm_soc_dev_cfg devs[PLAT_MAX_MASTER + 2];
	struct vcm_soc_cfg cfg = { 0 };
	struct vcm_diag diag = { 0 };
	unsigned int n = 0;
	int r;

	memset(iommus, 0, sizeof(iommus));
	memset(devs, 0, sizeof(devs));
	for (unsigned int i = 0; i < d->nr_memtypes; i++)
		mts[i] = (struct vcm_soc_memtype){ d->memtypes[i].base, d->memtypes[i].size,
						   d->memtypes[i].chunks };
	for (unsigned int i = 0; i < d->nr_iommus; i++) {
		const struct plat_iommu *p = &d->iommus[i];

		iommus[i].kind = model_of(p->fmt);
		iommus[i].name = p->name;
		iommus[i].banks = 1;
		iommus[i].tlb_entries = p->tlb;
		iommus[i].tlb_ways = p->ways;
		iommus[i].flags = p->contig && p->fmt != PLAT_FMT_ARMV7S ? VCM_SIM_IOMMU_CONTIG : 0;
	}
	for (unsigned int j = 0; j < d->nr_masters; j++, n++) {
		const struct plat_iommu *p = &d->iommus[d->masters[j].iommu];

		devs[n].name = d->masters[j].name;
		devs[n].kind = VCM_SOC_DEV_PT;
		devs[n].iommu = d->masters[j].iommu;
		devs[n].pt.fmt = p->fmt == PLAT_FMT_ARMV7S ? &vcm_pt_fmt_armv7s : &vcm_pt_fmt_armv8;
		devs[n].pt.ias = 32;
		devs[n].pt.granule_lg2 = p->fmt == PLAT_FMT_ARMV8_64K ? 16 : 12;
		devs[n].pt.flags = VCM_PT_CFG_COHERENT;
	}
	devs[n++] = (struct vcm_soc_dev_cfg){ .name = d->dma, .kind = VCM_SOC_DEV_DMA,
					      .engine = true };
	devs[n++] = (struct vcm_soc_dev_cfg){ .name = "cpu", .kind = VCM_SOC_DEV_CPU };
	cfg.mem_pa = d->mem_base;
	cfg.mem_len = d->mem_size;
	cfg.table_bytes = d->mem_tables;
	cfg.memtypes = mts;
	cfg.nr_memtypes = d->nr_memtypes;
	cfg.iommus = iommus;
	cfg.nr_iommus = d->nr_iommus;
	cfg.devs = devs;
	cfg.nr_devs = n;
	cfg.small_only = s->small_only;
	r = vcm_soc_create(&cfg, &s->hw, &diag);
	if (r != 0)
		return failf(err, errlen, "%s (%s)", diag.msg, vcm_strerror(r));
	s->sys = vcm_soc_sys(s->hw);
	s->mem = vcm_soc_mem(s->hw);
	for (unsigned int i = 0; i < d->nr_iommus; i++)
		s->iommu[i] = vcm_soc_iommu(s->hw, i);
	for (unsigned int j = 0; j < d->nr_masters; j++)
		s->master[j] = vcm_soc_dev(s->hw, j);
	s->dma_dev = vcm_soc_dev(s->hw, d->nr_masters);
	s->dma = vcm_soc_dma(s->hw, d->nr_masters);
	s->cpu_dev = vcm_soc_dev(s->hw, d->nr_masters + 1U);
	return 0;
}

/* The VCMs: the decoder's and display's shared one, the DMA engine's, the CPU's. */
static int build_vcms(struct soc *s, char *err, size_t errlen)
{
	const struct plat_memtype *st = &s->d->memtypes[plat_find_use(s->d, PLAT_USE_STREAM)];
	int r;

	if (lib(s, err, errlen, vcm_create(s->sys, SOC_VCM_START, SOC_VCM_LEN, &s->video),
		"create the video VCM") != 0 ||
	    lib(s, err, errlen, vcm_create_one_to_one(s->sys, st->base, st->size, &s->dma_vcm),
		"create the DMA VCM") != 0 ||
	    lib(s, err, errlen, vcm_create_prebuilt(s->sys, s->cpu_dev, false, &s->cpu_vcm),
		"create the CPU VCM") != 0 ||
	    lib(s, err, errlen, vcm_assoc(s->dma_vcm, s->dma_dev, VCM_USE_LOW_BASE, &s->dma_avcm),
		"associate the DMA engine") != 0 ||
	    lib(s, err, errlen, vcm_activate(s->dma_avcm), "activate the DMA engine") != 0)
		return -1;
	for (unsigned int j = 0; j < s->d->nr_masters; j++) {
		char what[96];

		snprintf(what, sizeof(what), "associate %s", s->d->masters[j].name);
		if (lib(s, err, errlen, vcm_assoc(s->video, s->master[j], VCM_USE_LOW_BASE,
						  &s->avcm[j]), what) != 0)
			return -1;
		snprintf(what, sizeof(what), "activate %s", s->d->masters[j].name);
		r = vcm_activate(s->avcm[j]);
		if (r != 0)
			return failf(err, errlen, "%s: %s; %s (%s)", what, vcm_sys_last_error(s->sys),
				     vcm_sim_iommu_last_error(s->iommu[s->d->masters[j].iommu]),
				     vcm_strerror(r));
	}
	return 0;
}

static int build_buffers(struct soc *s, char *err, size_t errlen)
{
	unsigned int st = (unsigned int)plat_find_use(s->d, PLAT_USE_STREAM);
	unsigned int fr = (unsigned int)plat_find_use(s->d, PLAT_USE_FRAMES);
	uint64_t flags = s->small_only ? VCM_PHYS_4KB : VCM_PHYS_ALL;

	for (unsigned int i = 0; i < SOC_STREAM_BUFS; i++) {
		vcm_pa_t pa;
		uint64_t len, it = 0;

		if (lib(s, err, errlen, vcm_alloc(s->sys, st, SOC_STREAM_LEN, VCM_PHYS_CONT,
						  &s->stream_mem[i]), "allocate a bitstream buffer") != 0 ||
		    lib(s, err, errlen, vcm_mem_next_extent(s->stream_mem[i], &it, &pa, &len),
			"find a bitstream buffer") != 0 ||
		    lib(s, err, errlen, vcm_reserve_at(s->dma_vcm, pa, SOC_STREAM_LEN, PROT_RW,
						       &s->dma_res[i]), "reserve in the DMA VCM") != 0 ||
		    lib(s, err, errlen, vcm_back(s->dma_res[i], s->stream_mem[i]),
			"back in the DMA VCM") != 0 ||
		    lib(s, err, errlen, vcm_reserve(s->video, SOC_STREAM_LEN, SOC_STREAM_LEN, PROT_RW,
						    &s->stream_res[i]), "reserve a bitstream buffer") != 0 ||
		    lib(s, err, errlen, vcm_back(s->stream_res[i], s->stream_mem[i]),
			"back a bitstream buffer") != 0)
			return -1;
	}
	if (lib(s, err, errlen, vcm_alloc(s->sys, fr, SOC_FRAMEBUF_LEN, flags, &s->frame_mem),
		"allocate the frame buffer") != 0 ||
	    lib(s, err, errlen, vcm_reserve(s->video, SOC_FRAMEBUF_LEN, SOC_FRAMEBUF_LEN, PROT_RW,
					    &s->frame_res), "reserve the frame buffer") != 0 ||
	    lib(s, err, errlen, vcm_back(s->frame_res, s->frame_mem), "back the frame buffer") != 0 ||
	    lib(s, err, errlen, vcm_reserve(s->cpu_vcm, SOC_FRAMEBUF_LEN, 0, PROT_RW, &s->cpu_res),
		"reserve the CPU's view") != 0 ||
	    lib(s, err, errlen, vcm_back(s->cpu_res, s->frame_mem), "back the CPU's view") != 0)
		return -1;
	s->cpu_frames = (uint8_t *)(uintptr_t)vcm_get_dev_addr(s->cpu_res);
	return 0;
}

int soc_build(struct soc *s, const struct plat_desc *d, bool small_only, char *err,
	      size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->d = d;
	s->small_only = small_only;
	s->decoder = (unsigned int)plat_find_role(d, PLAT_ROLE_DECODER);
	s->display = (unsigned int)plat_find_role(d, PLAT_ROLE_DISPLAY);
	if (build_hardware(s, err, errlen) != 0 || build_vcms(s, err, errlen) != 0 ||
	    build_buffers(s, err, errlen) != 0) {
		soc_teardown(s);
		return -1;
	}
	return 0;
}

static void drop_res(struct vcm_res **res)
{
	if (*res == NULL)
		return;
	if (vcm_get_physmem_from_res(*res) != NULL)
		vcm_unback(*res);
	vcm_unreserve(*res);
	*res = NULL;
}

void soc_teardown(struct soc *s)
{
	if (s->sys != NULL) {
		drop_res(&s->cpu_res);
		drop_res(&s->frame_res);
		for (unsigned int i = 0; i < SOC_STREAM_BUFS; i++) {
			drop_res(&s->stream_res[i]);
			drop_res(&s->dma_res[i]);
		}
		if (s->frame_mem != NULL)
			vcm_free_phys(s->sys, s->frame_mem);
		for (unsigned int i = 0; i < SOC_STREAM_BUFS; i++)
			if (s->stream_mem[i] != NULL)
				vcm_free_phys(s->sys, s->stream_mem[i]);
		for (unsigned int j = 0; j < PLAT_MAX_MASTER; j++) {
			if (s->avcm[j] == NULL)
				continue;
			if (vcm_is_active(s->avcm[j]) == 1)
				vcm_deactivate(s->avcm[j]);
			vcm_deassoc(s->avcm[j]);
		}
		if (s->dma_avcm != NULL) {
			if (vcm_is_active(s->dma_avcm) == 1)
				vcm_deactivate(s->dma_avcm);
			vcm_deassoc(s->dma_avcm);
		}
		if (s->cpu_vcm != NULL)
			vcm_free(s->cpu_vcm);
		if (s->dma_vcm != NULL)
			vcm_free(s->dma_vcm);
		if (s->video != NULL)
			vcm_free(s->video);
	}
	if (vcm_soc_destroy(s->hw) != 0)
		fprintf(stderr, "vcm: internal: %s\n", vcm_soc_last_error(s->hw));
	memset(s, 0, sizeof(*s));
}

struct vcm_sim_iommu *soc_iommu_of(struct soc *s, unsigned int m)
{
	return s->iommu[s->d->masters[m].iommu];
}
