/* SPDX-License-Identifier: MIT */
/*
 * The blob that amd_gen.c (host) writes and amd_harness.c (a 32-bit
 * bare-metal x86 guest) reads: where things sit in the q35 guest's RAM, and
 * DMA vectors with the answers the reference model expects. Fixed-size
 * little-endian fields; the two sides are always built together.
 */
#ifndef VCM_TEST_QEMU_AMD_VECTORS_H
#define VCM_TEST_QEMU_AMD_VECTORS_H

#include <stdint.h>

/* Guest physical layout (run with -m 512: all of this is RAM). */
#define AQ_HARNESS_PA 0x00100000U /* multiboot image */
#define AQ_VECTORS_PA 0x01000000U /* this blob, at most 16 MiB */
#define AQ_VECTORS_MAX 0x01000000U
#define AQ_DEVTAB_PA  0x02000000U /* the IOMMU device table: 2 pages, 256 DTEs */
#define AQ_DEVTAB_LEN 0x2000U
#define AQ_SCRATCH_PA 0x03000000U /* staging page of the edu buffer, mapped at AQ_SCRATCH_DA */
#define AQ_TABLES_PA  0x04000000U /* the arena holding every page table */
#define AQ_TABLES_MAX 0x04000000U
#define AQ_WINDOW_PA  0x08000000U /* every probed output address lies in here */
#define AQ_WINDOW_LEN 0x08000000U

#define AQ_SCRATCH_DA 0x0U        /* the first 8 KiB of every table: the staging mapping */
#define AQ_SCRATCH_LEN 0x2000U
#define AQ_EDU_DEVFN  0x20U       /* -device edu,addr=4: bus 0, device 4, function 0 */
#define AQ_IOMMU_MMIO 0xfed80000U /* QEMU's AMD IOMMU register block */

#define AQ_MAGIC 0x31444d41U      /* "AMD1" */
#define AQ_READ  1U               /* vector: DMA from da into the device */
#define AQ_WRITE 2U               /* vector: DMA from the device to da */
#define AQ_BATCH 511U             /* 8-byte slots of the edu buffer used per batch */

struct aq_header {
	uint32_t magic;
	uint32_t count;  /* vectors following the header */
	uint64_t salt;   /* mixed into every data pattern */
};

/*
 * One 8-byte DMA at @da (8-aligned). @ok: the model says the access is
 * allowed, and then it reaches @pa (inside the window); otherwise the data
 * must not move (a read leaves the poison in the device, a write leaves
 * memory at @pa, when there is one, as it was).
 */
struct aq_vec {
	uint64_t da;
	uint64_t pa;
	uint32_t kind; /* AQ_READ or AQ_WRITE */
	uint32_t ok;
};

_Static_assert(sizeof(struct aq_header) == 16, "aq_header layout");
_Static_assert(sizeof(struct aq_vec) == 24, "aq_vec layout");

#define AQ_MAX_VECS ((AQ_VECTORS_MAX - sizeof(struct aq_header)) / sizeof(struct aq_vec))

#endif
