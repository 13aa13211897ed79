// SPDX-License-Identifier: MIT
/* PCI enumeration by ECAM and the edu device's DMA engine: see edu.h. */
#include "edu.h"

/* PCI Express Base 4.0, 7.2.2: ECAM offset of bus/device/function/register. */
#define ECAM_OFF(bus, dev, fn) (((uintptr_t)(bus) << 20) | ((uintptr_t)(dev) << 15) | \
				((uintptr_t)(fn) << 12))
#define PCI_ID        0x00U
#define PCI_COMMAND   0x04U
#define PCI_CMD_MEM   0x2U
#define PCI_CMD_MASTER 0x4U
#define PCI_BAR0      0x10U
#define EDU_PCI_ID    0x11e81234U

/* edu registers (QEMU docs/specs/edu.txt) */
#define EDU_REG_ID    0x00U
#define EDU_DMA_SRC   0x80U
#define EDU_DMA_DST   0x88U
#define EDU_DMA_CNT   0x90U
#define EDU_DMA_CMD   0x98U
#define EDU_CMD_RUN   0x1U
#define EDU_CMD_TO_RAM 0x2U /* direction: device buffer -> memory */

static uint32_t rd32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static void wr32(uintptr_t a, uint32_t v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*(volatile uint32_t *)a = v;
}

static void wr64(uintptr_t a, uint64_t v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*(volatile uint64_t *)a = v;
}

unsigned int edu_probe(uintptr_t ecam, uintptr_t mmio_base, struct edu *out, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int dev = 0; dev < 32U && n < max; dev++) {
		uintptr_t cfg = ecam + ECAM_OFF(0, dev, 0);
		uintptr_t bar = mmio_base + (uintptr_t)n * 0x100000U;

		if (rd32(cfg + PCI_ID) != EDU_PCI_ID)
			continue;
		/* BAR0: 1 MiB of 32-bit non-prefetchable memory */
		wr32(cfg + PCI_BAR0, (uint32_t)bar);
		wr32(cfg + PCI_COMMAND, rd32(cfg + PCI_COMMAND) | PCI_CMD_MEM | PCI_CMD_MASTER);
		out[n].mmio = bar;
		out[n].rid = dev << 3;
		n++;
	}
	return n;
}

uint32_t edu_id(const struct edu *e)
{
	return rd32(e->mmio + EDU_REG_ID);
}

static void run(const struct edu *e, uint64_t src, uint64_t dst, uint32_t len, uint32_t cmd)
{
	wr64(e->mmio + EDU_DMA_SRC, src);
	wr64(e->mmio + EDU_DMA_DST, dst);
	wr64(e->mmio + EDU_DMA_CNT, len);
	wr64(e->mmio + EDU_DMA_CMD, cmd | EDU_CMD_RUN);
	/* the transfer happens on a QEMU timer, about 100 ms later */
	while ((rd32(e->mmio + EDU_DMA_CMD) & EDU_CMD_RUN) != 0U)
		;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void edu_to_dev(const struct edu *e, uint64_t da, uint32_t off, uint32_t len)
{
	run(e, da, EDU_BUF + off, len, 0);
}

void edu_from_dev(const struct edu *e, uint32_t off, uint64_t da, uint32_t len)
{
	run(e, EDU_BUF + off, da, len, EDU_CMD_TO_RAM);
}
