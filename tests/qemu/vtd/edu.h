/* SPDX-License-Identifier: MIT */
/*
 * QEMU's edu device (PCI 1234:11e8) as a DMA master for the bare-metal
 * images: find it on bus 0 through configuration mechanism #1 (ports
 * 0xcf8/0xcfc; SeaBIOS has assigned BAR0 before the image runs), and move
 * up to 4095 bytes between its 4 KiB buffer and a device address.
 *
 * edu in QEMU 7.2 (docs/specs/edu.rst and hw/misc/edu.c of that release):
 * DMA source, destination and count at BAR0 + 0x80, 0x88, 0x90; command at
 * 0x98 (bit 0 start and busy, bit 1 direction: set = buffer to RAM); the
 * buffer's own address is 0x40000. Addresses are cut by its dma_mask
 * property (pass dma_mask=0xffffffffffffffff); 4096-byte transfers trip an
 * off-by-one range check that aborts QEMU; each DMA completes on a timer,
 * about 100 ms later.
 */
#ifndef VCM_TESTS_QEMU_VTD_EDU_H
#define VCM_TESTS_QEMU_VTD_EDU_H

#include <stdbool.h>
#include <stdint.h>
#include "bm_x86.h"

#define EDU_ID       0x11e81234U
#define EDU_BUF      0x40000U
#define EDU_MAX_LEN  4095U

#define EDU_DMA_SRC 0x80U
#define EDU_DMA_DST 0x88U
#define EDU_DMA_CNT 0x90U
#define EDU_DMA_CMD 0x98U
#define EDU_CMD_RUN   1U
#define EDU_CMD_TORAM 2U

/*
 * Up to @max edu functions on bus 0: their devfn in @devfn[], memory decoding
 * and bus mastering turned on. Returns how many.
 */
static inline unsigned int edu_find(uint32_t *devfn, unsigned int max)
{
	unsigned int n = 0;

	for (uint32_t d = 0; d < 256U && n < max; d++) {
		if (pci_read(d, 0) != EDU_ID)
			continue;
		pci_write(d, 0x04, pci_read(d, 0x04) | 0x6U); /* memory space, bus master */
		devfn[n++] = d;
	}
	return n;
}

static inline uint32_t edu_bar(uint32_t devfn)
{
	return pci_read(devfn, 0x10) & ~0xfU;
}

/*
 * One DMA: @to_ram moves edu's buffer to device address @da, else @da to the
 * buffer. Returns false when the device never finished (it always does in
 * QEMU; the bound keeps a broken run from hanging until the test timeout).
 */
static inline bool edu_dma(uint32_t bar, uint64_t da, uint32_t len, bool to_ram)
{
	mmio_write64(bar + EDU_DMA_SRC, to_ram ? EDU_BUF : da);
	mmio_write64(bar + EDU_DMA_DST, to_ram ? da : EDU_BUF);
	mmio_write64(bar + EDU_DMA_CNT, len);
	mmio_write32(bar + EDU_DMA_CMD, EDU_CMD_RUN | (to_ram ? EDU_CMD_TORAM : 0U));
	for (uint32_t i = 0; i < 0x40000000U; i++)
		if ((mmio_read32(bar + EDU_DMA_CMD) & EDU_CMD_RUN) == 0U)
			return true;
	return false;
}

#endif
