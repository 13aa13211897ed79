// SPDX-License-Identifier: MIT
/*
 * Bare-metal 32-bit x86 guest (q35, -device amd-iommu, -device edu): the
 * AMD IOMMU translates the edu device's DMA through a table our library
 * built, and this program checks where each DMA went against the reference
 * model's answers (amd_vectors.h). It points the IOMMU at a device table the
 * host prepared (one DTE, for the edu device), turns translation on, and
 * then for each vector makes the edu device move 8 bytes:
 *  - reads (memory -> device): the CPU fills every expected output address
 *    with a pattern of that address, the device buffer is filled with poison,
 *    one DMA per vector pulls 8 bytes from its da into its own slot, and the
 *    buffer is copied back through the staging mapping and compared: the
 *    pattern when the model says the read is allowed, zeros otherwise (QEMU
 *    completes a DMA read that the IOMMU refuses with zeros, as a read of
 *    unassigned memory; the poison shows that the slot was written at all);
 *  - writes (device -> memory): the CPU sets the expected output address to
 *    the pattern's complement, the device writes the pattern to da, and the
 *    CPU reads the address: the pattern when writing is allowed, unchanged
 *    otherwise (a read-only page).
 * Output on the debug port (0xe9); the exit status comes from isa-debug-exit
 * (0xf4): 0 -> QEMU exits 1 (all matched), 1 -> 3 (mismatches or a setup
 * failure).
 *
 * Runs with paging off: physical addresses are the CPU's addresses. No libc,
 * no 64-bit division (no libgcc).
 */
#include <stdint.h>
#include <stddef.h>
#include "amd_vectors.h"
#include "bm_common.h"
#include "bm_x86.h"

#define EDU_VENDOR_DEVICE 0x11e81234U
#define EDU_DMA_SRC   0x80U
#define EDU_DMA_DST   0x88U
#define EDU_DMA_CNT   0x90U
#define EDU_DMA_CMD   0x98U
#define EDU_CMD_RUN   0x1U
#define EDU_CMD_TO_PCI 0x2U  /* device buffer -> memory */
#define EDU_BUF       0x40000U

/* AMD 48882 Rev 3.00, "IOMMU MMIO Registers": device table base, control. */
#define IOMMU_DEVTAB  0x0000U
#define IOMMU_CONTROL 0x0018U
#define IOMMU_CTRL_EN 0x1U

static inline uint64_t mem_read64(uint32_t pa)
{
	return *(volatile uint64_t *)(uintptr_t)pa;
}

static inline void mem_write64(uint32_t pa, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)pa = v;
}

void bm_putc(char c)
{
	outb(0xe9, (uint8_t)c);
}

static __attribute__((noreturn)) void finish(unsigned int code)
{
	outl(0xf4, code);
	for (;;)
		__asm__ volatile("hlt");
}

static uintptr_t edu;

/* One DMA of @cnt bytes; waits for the device (a virtual-clock timer in QEMU). */
static void dma(uint64_t src, uint64_t dst, uint32_t cnt, uint32_t cmd)
{
	mmio_write64(edu + EDU_DMA_SRC, src);
	mmio_write64(edu + EDU_DMA_DST, dst);
	mmio_write64(edu + EDU_DMA_CNT, cnt);
	mmio_write64(edu + EDU_DMA_CMD, cmd | EDU_CMD_RUN);
	/*
	 * Under -icount the 100 ms timer passes after about 10^5 instructions;
	 * plain loop iterations between the register reads run far faster in
	 * QEMU than an MMIO read each time.
	 */
	while ((mmio_read32(edu + EDU_DMA_CMD) & EDU_CMD_RUN) != 0U)
		for (uint32_t k = 0; k < 4096U; k++)
			__asm__ volatile("");
}

static uint64_t salt;

static uint64_t pattern(uint64_t pa)
{
	uint64_t x = (pa ^ salt) * UINT64_C(0x9e3779b97f4a7c15);

	return x ^ (x >> 29) ^ UINT64_C(0x0101010101010101);
}

#define POISON UINT64_C(0xdeadbeefdeadbeef)

static uint32_t mismatches;

static void report(uint32_t i, const struct aq_vec *v, uint64_t got, uint64_t want)
{
	if (++mismatches > 20U)
		return;
	bm_puts("MISMATCH ");
	bm_putdec(i);
	bm_puts(v->kind == AQ_READ ? " read da=" : " write da=");
	bm_puthex(v->da);
	bm_puts(" pa=");
	bm_puthex(v->pa);
	bm_puts(v->ok ? " allowed" : " denied");
	bm_puts(" got=");
	bm_puthex(got);
	bm_puts(" want=");
	bm_puthex(want);
	bm_putc('\n');
}

/* Read vectors [first, first + n): n <= AQ_BATCH. */
static void read_batch(const struct aq_vec *v, uint32_t first, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		/* every output address the model knows, allowed or not */
		if (v[i].pa >= AQ_WINDOW_PA && v[i].pa < AQ_WINDOW_PA + AQ_WINDOW_LEN)
			mem_write64((uint32_t)v[i].pa, pattern(v[i].pa));
		mem_write64(AQ_SCRATCH_PA + 8U * i, POISON);
	}
	dma(AQ_SCRATCH_DA, EDU_BUF, 8U * n, 0);
	for (uint32_t i = 0; i < n; i++)
		dma(v[i].da, EDU_BUF + 8U * i, 8, 0);
	for (uint32_t i = 0; i < n; i++)
		mem_write64(AQ_SCRATCH_PA + 8U * i, 0);
	dma(EDU_BUF, AQ_SCRATCH_DA, 8U * n, EDU_CMD_TO_PCI);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t got = mem_read64(AQ_SCRATCH_PA + 8U * i);
		uint64_t want = v[i].ok ? pattern(v[i].pa) : 0U; /* a denied read gives zeros */

		if (got != want)
			report(first + i, &v[i], got, want);
	}
}

/* Write vectors [first, first + n): n <= AQ_BATCH. */
static void write_batch(const struct aq_vec *v, uint32_t first, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		mem_write64(AQ_SCRATCH_PA + 8U * i, pattern(v[i].pa));
	dma(AQ_SCRATCH_DA, EDU_BUF, 8U * n, 0);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t want = v[i].ok ? pattern(v[i].pa) : ~pattern(v[i].pa);
		uint64_t got;

		mem_write64((uint32_t)v[i].pa, ~pattern(v[i].pa));
		dma(EDU_BUF + 8U * i, v[i].da, 8, EDU_CMD_TO_PCI);
		got = mem_read64((uint32_t)v[i].pa);
		if (got != want)
			report(first + i, &v[i], got, want);
	}
}

/* Vectors of one kind in a row, at most a batch: how many from @i on. */
static uint32_t run_len(const struct aq_vec *v, uint32_t i, uint32_t count)
{
	uint32_t n = 1;

	while (i + n < count && n < AQ_BATCH && v[i + n].kind == v[i].kind)
		n++;
	return n;
}

void harness_main(void);

void harness_main(void)
{
	const struct aq_header *h = (const struct aq_header *)(uintptr_t)AQ_VECTORS_PA;
	const struct aq_vec *v = (const struct aq_vec *)(h + 1);
	uint32_t bar, nread = 0, nwrite = 0;

	bm_puts("amd harness\n");
	if (h->magic != AQ_MAGIC || h->count > AQ_MAX_VECS) {
		bm_puts("FAIL: no vectors blob\n");
		finish(1);
	}
	salt = h->salt;
	if (pci_read(AQ_EDU_DEVFN, 0) != EDU_VENDOR_DEVICE) {
		bm_puts("FAIL: no edu device at 00:04.0\n");
		finish(1);
	}
	bar = pci_read(AQ_EDU_DEVFN, 0x10) & ~0xfU;
	if (bar == 0U) {
		bm_puts("FAIL: edu BAR0 not assigned\n");
		finish(1);
	}
	edu = bar;
	/* memory decoding and bus mastering (DMA) */
	pci_write(AQ_EDU_DEVFN, 0x04, pci_read(AQ_EDU_DEVFN, 0x04) | 0x6U);

	/* device table base (bits 51:12) and size (pages - 1); then IommuEn */
	mmio_write64(AQ_IOMMU_MMIO + IOMMU_DEVTAB, AQ_DEVTAB_PA | (AQ_DEVTAB_LEN / 4096U - 1U));
	mmio_write64(AQ_IOMMU_MMIO + IOMMU_CONTROL, IOMMU_CTRL_EN);

	for (uint32_t i = 0; i < h->count;) {
		uint32_t n = run_len(v, i, h->count);

		if (v[i].kind == AQ_READ) {
			read_batch(&v[i], i, n);
			nread += n;
		} else {
			write_batch(&v[i], i, n);
			nwrite += n;
		}
		i += n;
	}
	bm_puts("amd: ");
	bm_putdec(h->count);
	bm_puts(" vectors (");
	bm_putdec(nread);
	bm_puts(" reads, ");
	bm_putdec(nwrite);
	bm_puts(" writes), ");
	bm_putdec(mismatches);
	bm_puts(" mismatches\n");
	finish(mismatches != 0U ? 1U : 0U);
}
