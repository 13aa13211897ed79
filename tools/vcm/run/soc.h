/* SPDX-License-Identifier: MIT */
/*
 * The simulated SoC of a platform description, built over the mapping graph:
 * the soc layer (include/vcm/soc.h) makes the hardware (hosted physical
 * memory, the system and its memtypes, one IOMMU model per iommu line in
 * front of its masters, the DMA engine, the CPU); here come the VCMs (the
 * masters' shared one, the DMA engine's one-to-one VCM, the CPU's prebuilt
 * one) and the buffers of the 2010 video-playback example: two 64 KiB
 * contiguous bitstream buffers and a 16 MiB frame buffer, reserved and backed
 * in every VCM that reaches them.
 */
#ifndef VCM_TOOLS_RUN_SOC_H
#define VCM_TOOLS_RUN_SOC_H

#include <stdio.h>
#include <vcm/vcm.h>
#include <vcm/sim.h>
#include <vcm/hosted.h>
#include <vcm/soc.h>
#include "platform.h"

#define SOC_STREAM_BUFS  2
#define SOC_STREAM_LEN   (UINT64_C(64) << 10)
#define SOC_FRAMEBUF_LEN (UINT64_C(16) << 20)
#define SOC_VCM_START    UINT64_C(0x1000)
#define SOC_VCM_LEN      (UINT64_C(128) << 20)

struct soc {
	const struct plat_desc *d;
	bool small_only;                 /* every mapping in the smallest page */
	struct vcm_soc *hw;              /* memory, system, models, devices */
	struct vcm_hosted_mem *mem;      /* the parts of @hw used here */
	struct vcm_sys *sys;
	struct vcm_sim_iommu *iommu[PLAT_MAX_IOMMU];
	struct vcm_dev *master[PLAT_MAX_MASTER];
	struct vcm_avcm *avcm[PLAT_MAX_MASTER];
	struct vcm_sim_dma *dma;
	struct vcm_dev *dma_dev, *cpu_dev;
	struct vcm *video, *dma_vcm, *cpu_vcm;
	struct vcm_avcm *dma_avcm;
	struct vcm_mem *stream_mem[SOC_STREAM_BUFS], *frame_mem;
	struct vcm_res *dma_res[SOC_STREAM_BUFS], *stream_res[SOC_STREAM_BUFS];
	struct vcm_res *frame_res, *cpu_res;
	unsigned int decoder, display;   /* master indexes */
	uint8_t *cpu_frames;             /* the CPU's pointer to the frame buffer */
};

/*
 * soc_build() - build @s for @d; @small_only maps everything with the
 * smallest page (4 KiB chunks, tables limited to their granule).
 * Return: 0, or -1 after writing "what failed: library message" to @err
 * (everything built so far is torn down).
 */
int soc_build(struct soc *s, const struct plat_desc *d, bool small_only, char *err,
	      size_t errlen);
void soc_teardown(struct soc *s);

/* The IOMMU model in front of master @m. */
struct vcm_sim_iommu *soc_iommu_of(struct soc *s, unsigned int m);

/* The graph: plain text, Graphviz DOT, JSON (an object, no trailing newline). */
void soc_print_graph(struct soc *s, FILE *out);
void soc_write_dot(struct soc *s, FILE *out);
void soc_write_json(struct soc *s, FILE *out, const char *indent);

#endif /* VCM_TOOLS_RUN_SOC_H */
