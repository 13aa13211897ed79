// SPDX-License-Identifier: MIT
/*
 * The 2010 video-playback example, step by step, with the 2010 calls
 * (include/vcm/rfc.h) on the default SoC: a DMA engine with no MMU fills two
 * 64 KiB buffers from a memory card; the video decoder ("vcodec", ARMv7
 * short-descriptor IOMMU) reads them and writes a 16 MiB frame that the
 * display engine ("mdp", ARMv8 IOMMU) shows and the CPU can read and write.
 *
 * Steps 1-13 are the original call flow with three repairs, each marked
 * "repair:" below. Then the program checks what it built and exits non-zero
 * on any mismatch:
 *  - the DMA engine's chunk list covers the two 64 KiB buffers, each one
 *    contiguous chunk, and both IOMMUs translate the decoder's addresses of
 *    them to exactly those chunks;
 *  - both IOMMUs translate every page of the frame to the same physical page;
 *    bytes the CPU writes through its pointer are the bytes at that physical
 *    address, and bytes written there show through the CPU pointer;
 *  - the reverse map names both reservations of the frame; vcm_translate()
 *    maps a decoder address to the CPU address of the same byte;
 *  - an unmapped decoder address faults to the device's handler.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vcm/rfc.h>

#define SZ_4K   0x1000ULL
#define SZ_64K  0x10000ULL
#define SZ_16M  0x1000000ULL
#define SZ_128M 0x8000000ULL

static int failures;

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "rfc_video_flow: line %d: ", __LINE__); \
			fprintf(stderr, __VA_ARGS__);                      \
			fprintf(stderr, " [%s]\n", vcm_rfc_last_error());  \
			failures++;                                        \
		}                                                          \
	} while (0)

/* What the drivers would write into their devices' registers. */
static struct {
	vcm_pa_t pa[4];
	uint64_t len[4];
	unsigned int n;
} dma_list;

static void dma_prg(vcm_pa_t pa, uint64_t len)
{
	if (dma_list.n < 4) {
		dma_list.pa[dma_list.n] = pa;
		dma_list.len[dma_list.n] = len;
	}
	dma_list.n++;
}

static unsigned int faults;

static int count_fault(const char *dev_id, void *data, const struct vcm_fault *fault)
{
	(void)dev_id;
	(void)data;
	(void)fault;
	faults++;
	return 0; /* end the transaction */
}

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)((off >> 12) * 31U + (off & 0xfffU) + 7U);
}

/* Decoder and display both translate [da, da + len) to @pa onwards, page by page. */
static void check_same_pa(vcm_da_t da, vcm_pa_t pa, uint64_t len, const char *what)
{
	for (uint64_t off = 0; off < len; off += SZ_4K) {
		vcm_pa_t dec = vcm_dev_addr_to_phys_addr("vcodec", da + off);
		vcm_pa_t disp = vcm_dev_addr_to_phys_addr("mdp", da + off);

		CHECK(dec == pa + off && disp == pa + off,
		      "%s +%#llx: vcodec -> %#llx, mdp -> %#llx, expected %#llx", what,
		      (unsigned long long)off, (unsigned long long)dec, (unsigned long long)disp,
		      (unsigned long long)(pa + off));
	}
}

int main(void)
{
	const char *video_dec_dev = "vcodec", *disp_dev = "mdp";
	struct vcm *vcm_out, *cpu_vcm;
	struct vcm_avcm *avcm_dec, *avcm_disp;
	struct vcm_mem *buf_64k, *buf_frame;
	struct vcm_res *res_64k, *res_16M, *res_cpu_16M;
	vcm_da_t base_64k, base_16M, base_cpu_16M;
	vcm_pa_t buf;
	uint64_t len;
	uint8_t *cpu;

	if (vcm_sys_init() != 0) {
		fprintf(stderr, "vcm_sys_init: %s\n", vcm_rfc_last_error());
		return 1;
	}

	/* 1. A 128 MiB region at 0x1000 for the decoder and the display engine. */
	vcm_out = vcm_create(0x1000, SZ_128M);

	/* 2. Associate it with both IOMMUs (two page-table formats). */
	avcm_dec = vcm_assoc(vcm_out, video_dec_dev, 0);
	avcm_disp = vcm_assoc(vcm_out, disp_dev, 0);

	/* 3. Program the IOMMUs. */
	CHECK(vcm_activate(avcm_dec) == 0, "activate vcodec");
	CHECK(vcm_activate(avcm_disp) == 0, "activate mdp");

	/* 4. Two physical buffers for the DMA engine and decoder, each 64 KiB contiguous. */
	buf_64k = vcm_phys_alloc(VCM_MEMTYPE_0, 2 * SZ_64K, VCM_64KB);

	/*
	 * 5. A 16 MiB frame of 1 MiB, 64 KiB and 4 KiB blocks.
	 * repair: the original call had no attribute argument; 0 means every size.
	 */
	buf_frame = vcm_phys_alloc(VCM_MEMTYPE_0, SZ_16M, 0);
	CHECK(vcm_out && avcm_dec && avcm_disp && buf_64k && buf_frame, "steps 1-5");
	if (failures)
		return 1;

	/*
	 * 6. Program the DMA controller from the physical chunks.
	 * repair: the original passed NULL as the cursor inside the loop too, so it
	 * would have returned the first chunk forever; the cursor is the last chunk.
	 */
	buf = vcm_get_next_phys_addr(buf_64k, 0, &len);
	while (buf) {
		dma_prg(buf, len);
		buf = vcm_get_next_phys_addr(buf_64k, buf, &len);
	}

	/*
	 * 7. Reservations for the DMA buffers and the frame, aligned to their size.
	 * repair: the original reserved 8 * 64 KiB for the 2 * 64 KiB it had
	 * allocated; vcm_back() refuses a length mismatch (-EINVAL), so the
	 * reservation is as long as the buffers.
	 */
	res_64k = vcm_reserve(vcm_out, 2 * SZ_64K, VCM_ALIGN_64K);
	res_16M = vcm_reserve(vcm_out, SZ_16M, VCM_ALIGN_16M);

	/* 8. Connect reservations and physical memory. */
	CHECK(vcm_back(res_64k, buf_64k) == 0, "back res_64k");
	CHECK(vcm_back(res_16M, buf_frame) == 0, "back res_16M");

	/* 9. Program the decoder and the display engine with device addresses. */
	base_64k = vcm_get_dev_addr(res_64k);
	base_16M = vcm_get_dev_addr(res_16M);

	/* 10. A kernel mapping to read and write the frame. */
	cpu_vcm = vcm_create_from_prebuilt(VCM_PREBUILT_KERNEL);

	/* 11. A reservation on that prebuilt VCM, any alignment. */
	res_cpu_16M = vcm_reserve(cpu_vcm, SZ_16M, 0);

	/* 12. Back it with the frame the decoder and display see. */
	CHECK(vcm_back(res_cpu_16M, buf_frame) == 0, "back res_cpu_16M");

	/* 13. A pointer the CPU can dereference. */
	base_cpu_16M = vcm_get_dev_addr(res_cpu_16M);
	CHECK(res_64k && res_16M && cpu_vcm && res_cpu_16M && base_cpu_16M, "steps 7-13");
	if (failures)
		return 1;

	printf("vcodec hw %#x, mdp hw %#x; tables at %#llx\n", vcm_hw_ver(video_dec_dev),
	       vcm_hw_ver(disp_dev), (unsigned long long)vcm_get_pgtbl_pa(vcm_out));
	printf("DMA list: %u chunks; decoder/display: 64K buffers at %#llx, frame at %#llx; "
	       "CPU frame at %#llx\n",
	       dma_list.n, (unsigned long long)base_64k, (unsigned long long)base_16M,
	       (unsigned long long)base_cpu_16M);

	/* The DMA list: two 64 KiB chunks, each contiguous and aligned. */
	CHECK(dma_list.n == 2, "DMA list has %u chunks, expected 2", dma_list.n);
	for (unsigned int i = 0; i < 2 && i < dma_list.n; i++) {
		CHECK(dma_list.len[i] == SZ_64K && (dma_list.pa[i] & (SZ_64K - 1)) == 0,
		      "DMA chunk %u: %#llx + %#llx", i, (unsigned long long)dma_list.pa[i],
		      (unsigned long long)dma_list.len[i]);
		/* The decoder reads buffer i at base_64k + i * 64K: the same bytes. */
		check_same_pa(base_64k + i * SZ_64K, dma_list.pa[i], SZ_64K, "64K buffer");
	}

	/* The frame, chunk by chunk: both IOMMUs agree with the allocation. */
	uint64_t off = 0;

	buf = vcm_get_next_phys_addr(buf_frame, 0, &len);
	while (buf) {
		check_same_pa(base_16M + off, buf, len, "frame");
		off += len;
		buf = vcm_get_next_phys_addr(buf_frame, buf, &len);
	}
	CHECK(off == SZ_16M, "frame chunks cover %#llx bytes", (unsigned long long)off);

	/* CPU writes, devices' physical bytes read; then the other way round. */
	cpu = (uint8_t *)(uintptr_t)base_cpu_16M;
	for (off = 0; off < SZ_16M; off++)
		cpu[off] = pattern(off);
	for (off = 0; off < SZ_16M; off += SZ_4K + 0x123) {
		vcm_pa_t pa = vcm_dev_addr_to_phys_addr("vcodec", base_16M + off);
		uint8_t *p = vcm_rfc_phys_to_cpu(pa);

		CHECK(p != NULL && *p == pattern(off),
		      "frame +%#llx: CPU wrote %#x, pa %#llx has %#x",
		      (unsigned long long)off, pattern(off), (unsigned long long)pa, p ? *p : 0);
		uint8_t flipped = (uint8_t)(pattern(off) ^ 0xffU);

		if (p != NULL)
			*p = flipped;
		CHECK(cpu[off] == flipped, "frame +%#llx: pa write not seen by CPU",
		      (unsigned long long)off);
	}

	/* Who maps the frame's first byte: the decoder's VCM and the CPU's. */
	vcm_pa_t pa0 = vcm_dev_addr_to_phys_addr("mdp", base_16M);
	struct vcm_res *r = NULL;
	unsigned int seen = 0;

	CHECK(vcm_get_phys_num_res(pa0) == 2, "reverse map of %#llx has %llu entries",
	      (unsigned long long)pa0, (unsigned long long)vcm_get_phys_num_res(pa0));
	while ((r = vcm_get_next_phys_res(pa0, r, &len)) != NULL) {
		seen |= r == res_16M ? 1U : r == res_cpu_16M ? 2U : 4U;
		CHECK(len == SZ_16M, "reverse map: reservation of %#llx bytes",
		      (unsigned long long)len);
	}
	CHECK(seen == 3U, "reverse map named %#x (1 = res_16M, 2 = res_cpu_16M)", seen);
	CHECK(vcm_translate(base_16M + 0x12345, vcm_out, cpu_vcm) == base_cpu_16M + 0x12345,
	      "vcm_translate decoder -> CPU");

	/* An address nothing maps: a fault, which the handler ends. */
	CHECK(vcm_hook(video_dec_dev, count_fault, NULL) == 0, "hook");
	CHECK(vcm_dev_addr_to_phys_addr(video_dec_dev, 0x7000000) == 0 &&
	      vcm_rfc_errno() == -ENOENT && faults == 1,
	      "unmapped lookup: errno %d, %u faults", vcm_rfc_errno(), faults);

	/* Tear down in reverse; every call must succeed. */
	CHECK(vcm_unback(res_cpu_16M) == 0 && vcm_unreserve(res_cpu_16M) == 0, "CPU side");
	CHECK(vcm_free(cpu_vcm) == 0, "free cpu_vcm");
	CHECK(vcm_unback(res_16M) == 0 && vcm_unback(res_64k) == 0, "unback");
	CHECK(vcm_dev_addr_to_phys_addr(disp_dev, base_16M) == 0,
	      "frame still mapped after unback");
	CHECK(vcm_unreserve(res_16M) == 0 && vcm_unreserve(res_64k) == 0, "unreserve");
	CHECK(vcm_phys_free(buf_frame) == 0 && vcm_phys_free(buf_64k) == 0, "phys_free");
	CHECK(vcm_deactivate(avcm_disp) == 0 && vcm_deactivate(avcm_dec) == 0, "deactivate");
	CHECK(vcm_deassoc(avcm_disp) == 0 && vcm_deassoc(avcm_dec) == 0, "deassoc");
	CHECK(vcm_free(vcm_out) == 0, "free vcm_out");
	CHECK(vcm_sys_destroy() == 0, "sys_destroy");

	if (failures) {
		fprintf(stderr, "rfc_video_flow: %d checks failed\n", failures);
		return 1;
	}
	printf("rfc_video_flow: all checks passed\n");
	return 0;
}
