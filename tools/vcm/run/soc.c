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

/* Table memory is counted so the run can report what each chunk plan costs. */
static int count_table_alloc(struct vcm_plat_fwd *f, uint64_t size, uint64_t align, vcm_pa_t *pa,
			     void **cpu)
{
	struct soc *s = (struct soc *)(void *)((char *)f - offsetof(struct soc, fwd));
	int r = vcm_plat_fwd_table_alloc(f, size, align, pa, cpu);

	if (r == 0) {
		s->table_bytes += size;
		if (s->table_bytes > s->table_bytes_peak)
			s->table_bytes_peak = s->table_bytes;
	}
	return r;
}

static void count_table_free(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct soc *s = (struct soc *)(void *)((char *)f - offsetof(struct soc, fwd));

	vcm_plat_fwd_table_free(f, pa, cpu, size);
	s->table_bytes -= size;
}

/* An IOMMU model's faults go to the graph, which runs the device's hook. */
static int iommu_fault(void *ctx, const struct vcm_fault *f)
{
	struct vcm_dev **dev = ctx;

	if (*dev == NULL)
		return VCM_FAULT_TERMINATE;
	return vcm_dev_fault(*dev, f);
}

static int lib(struct soc *s, char *err, size_t errlen, int r, const char *what)
{
	if (r == 0)
		return 0;
	return failf(err, errlen, "%s: %s (%s)", what,
		     s->sys != NULL ? vcm_sys_last_error(s->sys) : "", vcm_strerror(r));
}

static int build_memory(struct soc *s, char *err, size_t errlen)
{
	const struct plat_desc *d = s->d;
	struct vcm_phys_range ranges[PLAT_MAX_MEMTYPE];
	struct vcm_phys_memtype_cfg mts[PLAT_MAX_MEMTYPE];
	struct vcm_sys_cfg cfg = { 0 };
	struct vcm_diag diag = { 0 };
	int r;

	r = vcm_hosted_mem_create(d->mem_base, d->mem_size, d->mem_tables, &s->mem, &diag);
	if (r != 0)
		return failf(err, errlen, "hosted memory: %s (%s)", diag.msg, vcm_strerror(r));
	s->mem_plat = vcm_hosted_mem_plat(s->mem);
	s->fwd = (struct vcm_plat_fwd){ .to = s->mem_plat, .table_alloc = count_table_alloc,
					.table_free = count_table_free };
	vcm_plat_fwd_ops(&s->fwd, &s->plat);
	for (unsigned int i = 0; i < d->nr_memtypes; i++) {
		ranges[i] = (struct vcm_phys_range){ d->memtypes[i].base, d->memtypes[i].size };
		mts[i] = (struct vcm_phys_memtype_cfg){ &ranges[i], 1, d->memtypes[i].chunks };
	}
	cfg.plat = &s->plat;
	cfg.memtypes = mts;
	cfg.nr_memtypes = d->nr_memtypes;
	r = vcm_sys_create(&cfg, &s->sys, &diag);
	if (r != 0)
		return failf(err, errlen, "system: %s (%s)", diag.msg, vcm_strerror(r));
	return 0;
}

static int build_masters(struct soc *s, char *err, size_t errlen)
{
	const struct plat_desc *d = s->d;
	char what[96];
	int r;

	for (unsigned int i = 0; i < d->nr_iommus; i++) {
		const struct plat_iommu *p = &d->iommus[i];
		struct vcm_sim_iommu_cfg cfg = { 0 };
		struct vcm_diag diag = { 0 };
		int m = -1;

		for (unsigned int j = 0; j < d->nr_masters; j++)
			if (d->masters[j].iommu == i)
				m = (int)j;
		cfg.kind = p->fmt == PLAT_FMT_ARMV7S ? VCM_SIM_IOMMU_MSM : VCM_SIM_IOMMU_SMMU_S1;
		cfg.name = p->name;
		cfg.banks = 1;
		cfg.tlb_entries = p->tlb;
		cfg.tlb_ways = p->ways;
		cfg.flags = p->contig && p->fmt != PLAT_FMT_ARMV7S ? VCM_SIM_IOMMU_CONTIG : 0;
		cfg.plat = &s->plat;
		if (m >= 0) {
			cfg.fault = iommu_fault;
			cfg.fault_ctx = &s->master[m];
		}
		r = vcm_sim_iommu_create(&cfg, &s->iommu[i], &diag);
		if (r != 0)
			return failf(err, errlen, "iommu %s: %s (%s)", p->name, diag.msg,
				     vcm_strerror(r));
	}
	for (unsigned int j = 0; j < d->nr_masters; j++) {
		const struct plat_master *pm = &d->masters[j];
		const struct plat_iommu *p = &d->iommus[pm->iommu];
		struct vcm_dev_cfg cfg = { 0 };
		struct vcm_pt_cfg pt = { 0 };

		cfg.name = pm->name;
		cfg.mapper = &vcm_mapper_pt;
		cfg.mapper_cfg = &pt;
		pt.fmt = p->fmt == PLAT_FMT_ARMV7S ? &vcm_pt_fmt_armv7s : &vcm_pt_fmt_armv8;
		pt.ias = 32;
		pt.granule_lg2 = p->fmt == PLAT_FMT_ARMV8_64K ? 16 : 12;
		pt.flags = VCM_PT_CFG_COHERENT;
		if (s->small_only)
			pt.page_sizes = UINT64_C(1) << pt.granule_lg2;
		cfg.nr_bases = 1;
		cfg.ops = &vcm_sim_iommu_ops;
		cfg.ctx = s->iommu[pm->iommu];
		snprintf(what, sizeof(what), "register master %s", pm->name);
		if (lib(s, err, errlen, vcm_dev_register(s->sys, &cfg, &s->master[j]), what) != 0)
			return -1;
	}
	return 0;
}

static int build_others(struct soc *s, char *err, size_t errlen)
{
	struct vcm_sim_dma_cfg dcfg = { 0 };
	struct vcm_dev_cfg cfg = { 0 };
	struct vcm_diag diag = { 0 };
	const struct plat_memtype *st = &s->d->memtypes[plat_find_use(s->d, PLAT_USE_STREAM)];
	int r;

	dcfg.name = s->d->dma;
	dcfg.plat = &s->plat;
	r = vcm_sim_dma_create(&dcfg, &s->dma, &diag);
	if (r != 0)
		return failf(err, errlen, "dma %s: %s (%s)", s->d->dma, diag.msg, vcm_strerror(r));
	cfg.name = s->d->dma;
	cfg.mapper = &vcm_mapper_one_to_one;
	cfg.nr_bases = 1;
	if (lib(s, err, errlen, vcm_dev_register(s->sys, &cfg, &s->dma_dev), "register dma") != 0)
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = "cpu";
	cfg.mapper = &vcm_hosted_cpu_mapper;
	cfg.mapper_ctx = s->mem;
	cfg.nr_bases = 1;
	if (lib(s, err, errlen, vcm_dev_register(s->sys, &cfg, &s->cpu_dev), "register cpu") != 0)
		return -1;
	/* The VCMs: the decoder's and display's shared one, the DMA engine's, the CPU's. */
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
	if (build_memory(s, err, errlen) != 0 || build_masters(s, err, errlen) != 0 ||
	    build_others(s, err, errlen) != 0 || build_buffers(s, err, errlen) != 0) {
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
		for (unsigned int j = 0; j < PLAT_MAX_MASTER; j++)
			if (s->master[j] != NULL)
				vcm_dev_unregister(s->master[j]);
		if (s->dma_dev != NULL)
			vcm_dev_unregister(s->dma_dev);
		if (s->cpu_dev != NULL)
			vcm_dev_unregister(s->cpu_dev);
		if (vcm_sys_destroy(s->sys) != 0)
			fprintf(stderr, "vcm: internal: the system still holds objects at teardown\n");
	}
	for (unsigned int i = 0; i < PLAT_MAX_IOMMU; i++)
		vcm_sim_iommu_destroy(s->iommu[i]);
	vcm_sim_dma_destroy(s->dma);
	if (vcm_hosted_mem_destroy(s->mem) != 0)
		fprintf(stderr, "vcm: internal: hosted memory still mapped at teardown\n");
	memset(s, 0, sizeof(*s));
}

struct vcm_sim_iommu *soc_iommu_of(struct soc *s, unsigned int m)
{
	return s->iommu[s->d->masters[m].iommu];
}
