// SPDX-License-Identifier: MIT
/*
 * The VT-d QEMU harness (32-bit protected mode, no CPU paging): DMA by QEMU's
 * edu device (PCI 1234:11e8) through intel-iommu on q35, the second-stage
 * table under test at the context entry the generator gave (vcm_pt_hw()).
 *
 * Programming, from the VT-d specification (D51397) rev 4.0: root table (9.1)
 * and context table (9.3) in legacy mode, RTADDR_REG, GCMD_REG.SRTP then TE
 * (10.4.4, 10.4.6), global context-cache and IOTLB invalidation (10.4.7,
 * 10.4.8), primary faults from FSTS_REG and the fault recording registers
 * (10.4.9, 10.4.14). The unit sits at 0xfed90000 (QEMU's fixed address; no
 * DMAR table is parsed).
 *
 * Per vector (the blob at VQX_VECTORS_PA, the same layout as the x86 one):
 *  - edu reads 8 bytes at the IOVA into its buffer: faults exactly when the
 *    model says unmapped; the bytes are the signature of the expected pa when
 *    that pa is checked RAM (VQX_DATA), compared at the end;
 *  - for a mapped IOVA, edu writes a marker there: faults exactly for
 *    read-only mappings; when it goes through, the marker must be at the
 *    expected pa (VQX_DATA).
 * The buffer moves between edu and RAM through an identity-mapped scratch
 * page of the same table. Prints "RESULT vectors=N ats=A mismatches=M" on COM1
 * and exits through isa-debug-exit with 2 * min(M, 127) + 1.
 */
#include <stdint.h>
#include "bm_common.h"
#include "bm_x86.h"
#include "vectors_x86.h"

/* COM1 */
void bm_putc(char c)
{
	outb(0x3f8, (uint8_t)c);
}

#define IOMMU 0xfed90000U
#define R_CAP   0x08U
#define R_ECAP  0x10U
#define R_GCMD  0x18U
#define R_GSTS  0x1cU
#define R_RTADDR 0x20U
#define R_CCMD  0x28U
#define R_FSTS  0x34U
#define GCMD_TE   (1U << 31)
#define GCMD_SRTP (1U << 30)

#define EDU_DMA_SRC 0x80U
#define EDU_DMA_DST 0x88U
#define EDU_DMA_CNT 0x90U
#define EDU_DMA_CMD 0x98U
#define EDU_BUF     0x40000U /* edu's 4 KiB DMA buffer, device side */
#define EDU_MARKS   0x800U   /* second half of it: the markers */

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t ctx[512] __attribute__((aligned(4096)));

static inline uint64_t rd64(uint32_t a)
{
	return mmio_read32(a) | (uint64_t)mmio_read32(a + 4U) << 32;
}

static void __attribute__((noreturn)) leave(unsigned int code)
{
	outb(0xf4, (uint8_t)code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void __attribute__((noreturn)) die(const char *why)
{
	bm_puts("HARNESS ERROR ");
	bm_puts(why);
	bm_puts("\n");
	leave(127);
}

static uint32_t edu;              /* BAR0 */
static uint32_t fro, nfr;         /* fault recording registers: offset, count */
static uint32_t iotlb;            /* IOTLB_REG */
static uint64_t last_fault;       /* high half of the last fault record */

/* True when a primary fault was recorded since the last call; clears them. */
static int took_fault(void)
{
	int hit = 0;

	for (uint32_t i = 0; i < nfr; i++) {
		uint32_t rec = IOMMU + fro + 16U * i;
		uint64_t hi = rd64(rec + 8U);

		if ((hi >> 63) != 0U) {
			hit = 1;
			last_fault = hi;
			mmio_write32(rec + 12U, 1U << 31); /* F is write-1-to-clear */
		}
	}
	/* PFO and friends, write-1-to-clear */
	mmio_write32(IOMMU + R_FSTS, mmio_read32(IOMMU + R_FSTS));
	return hit;
}

/*
 * Global IOTLB invalidation before every DMA: QEMU records a fault only when
 * it walks the table, and a write hitting a read-only entry that an earlier
 * read left in its IOTLB fails without a fault record.
 */
static void iotlb_flush(void)
{
	mmio_write64(iotlb, UINT64_C(1) << 63 | UINT64_C(1) << 60); /* IVT, global */
	while ((rd64(iotlb) >> 63) != 0U)
		;
}

static void dma(uint64_t src, uint64_t dst, uint32_t len, int to_ram)
{
	iotlb_flush();
	mmio_write64(edu + EDU_DMA_SRC, src);
	mmio_write64(edu + EDU_DMA_DST, dst);
	mmio_write64(edu + EDU_DMA_CNT, len);
	mmio_write32(edu + EDU_DMA_CMD, to_ram ? 3U : 1U); /* start; direction bit: edu -> RAM */
	while ((mmio_read32(edu + EDU_DMA_CMD) & 1U) != 0U)
		;
}

static unsigned int mismatches;

static void mismatch(uint32_t i, const struct vqx_vec *v, const char *what, uint64_t got)
{
	if (++mismatches <= 12U) {
		bm_report_vec(i, "iova", v->va, v->pa, v->expect, what, got);
		bm_puts(" fault record ");
		bm_puthex(last_fault);
		bm_puts("\n");
	}
}

static void iommu_on(const struct vqx_header *h, uint32_t devfn)
{
	uint64_t cap = rd64(IOMMU + R_CAP), ecap = rd64(IOMMU + R_ECAP);

	iotlb = IOMMU + (uint32_t)((ecap >> 8) & 0x3ffU) * 16U + 8U;
	fro = (uint32_t)((cap >> 24) & 0x3ffU) * 16U;
	nfr = (uint32_t)((cap >> 40) & 0xffU) + 1U;
	root[0] = (uint64_t)(uintptr_t)ctx | 1U;          /* bus 0: present, context table */
	ctx[2 * devfn] = h->regs[0];                      /* P, TT 00, SLPTPTR */
	ctx[2 * devfn + 1] = h->regs[1] | (1U << 8);      /* AW, DID 1 */
	mmio_write64(IOMMU + R_RTADDR, (uint64_t)(uintptr_t)root);
	mmio_write32(IOMMU + R_GCMD, GCMD_SRTP);
	while ((mmio_read32(IOMMU + R_GSTS) & GCMD_SRTP) == 0U)
		;
	mmio_write64(IOMMU + R_CCMD, UINT64_C(1) << 63 | UINT64_C(1) << 61); /* ICC, global */
	while ((rd64(IOMMU + R_CCMD) >> 63) != 0U)
		;
	iotlb_flush();
	mmio_write32(IOMMU + R_GCMD, GCMD_TE);
	while ((mmio_read32(IOMMU + R_GSTS) & GCMD_TE) == 0U)
		;
	(void)took_fault();
}

static uint64_t marker(uint32_t i)
{
	return UINT64_C(0x6d61726b00000000) | i;
}

void __attribute__((noreturn)) vtd_main(void)
{
	const struct vqx_header *h = (const struct vqx_header *)(uintptr_t)VQX_VECTORS_PA;
	const struct vqx_vec *v = (const struct vqx_vec *)(h + 1);
	volatile uint64_t *scratch = (volatile uint64_t *)(uintptr_t)VQX_SCRATCH_PA;
	uint32_t devfn = 0xffffU, ats = 0;

	if (h->magic != VQX_MAGIC || h->version != VQX_VERSION || h->count > VQX_VTD_MAX)
		die("bad vector blob");
	for (uint32_t d = 0; d < 256U && devfn == 0xffffU; d++)
		if (pci_read(d, 0) == 0x11e81234U)
			devfn = d;
	if (devfn == 0xffffU)
		die("no edu device");
	edu = pci_read(devfn, 0x10) & ~0xfU;
	pci_write(devfn, 0x04, pci_read(devfn, 0x04) | 0x6U); /* memory space, bus master */
	for (uint32_t i = 0; i < h->count; i++) {
		if ((v[i].expect & VQX_DATA) != 0U)
			*(volatile uint64_t *)(uintptr_t)v[i].pa = v[i].pa; /* the signature */
		scratch[256U + i] = marker(i);
	}
	iommu_on(h, devfn);
	/* markers into the second half of edu's buffer, through the identity map */
	dma(VQX_SCRATCH_PA + 2048U, EDU_BUF + EDU_MARKS, 8U * h->count, 0);
	if (took_fault())
		die("DMA from the scratch page faulted");
	for (uint32_t i = 0; i < h->count; i++) {
		int fault;

		dma(v[i].va, EDU_BUF + 8U * i, 8, 0);
		fault = took_fault();
		ats++;
		if (fault != ((v[i].expect & VQX_R) == 0U)) {
			mismatch(i, &v[i], fault ? "read DMA faulted" : "read DMA went through", 0);
			continue;
		}
		if ((v[i].expect & VQX_R) == 0U)
			continue;
		dma(EDU_BUF + EDU_MARKS + 8U * i, v[i].va, 8, 1);
		fault = took_fault();
		ats++;
		if (fault != ((v[i].expect & VQX_W) == 0U))
			mismatch(i, &v[i], fault ? "write DMA faulted" : "write DMA to read-only went through",
				 0);
		else if (!fault && (v[i].expect & VQX_DATA) != 0U &&
			 *(volatile uint64_t *)(uintptr_t)v[i].pa != marker(i))
			mismatch(i, &v[i], "write DMA landed elsewhere; pa holds",
				 *(volatile uint64_t *)(uintptr_t)v[i].pa);
		else if (fault && (v[i].expect & VQX_DATA) != 0U &&
			 *(volatile uint64_t *)(uintptr_t)v[i].pa != v[i].pa)
			mismatch(i, &v[i], "faulting write DMA changed pa to",
				 *(volatile uint64_t *)(uintptr_t)v[i].pa);
	}
	/* what edu read, back into the scratch page */
	dma(EDU_BUF, VQX_SCRATCH_PA, 8U * h->count, 1);
	if (took_fault())
		die("DMA to the scratch page faulted");
	for (uint32_t i = 0; i < h->count; i++)
		if ((v[i].expect & (VQX_R | VQX_DATA)) == (VQX_R | VQX_DATA) &&
		    scratch[i] != v[i].pa)
			mismatch(i, &v[i], "read DMA brought another pa's data", scratch[i]);
	bm_result(h->count, ats, mismatches);
	leave(mismatches > 127U ? 127U : mismatches);
}
