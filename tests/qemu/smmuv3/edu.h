/* SPDX-License-Identifier: MIT */
/*
 * QEMU's edu PCI device on the virt machine's PCIe host: find it through
 * ECAM, give its BAR0 an address in the 32-bit MMIO window, let it master
 * the bus, and run its DMA engine (QEMU docs/specs/edu.txt: a 4 KiB buffer
 * at device address 0x40000, one transfer at a time, done when the RUN bit
 * of the command register clears).
 */
#ifndef VCM_TESTS_QEMU_SMMUV3_EDU_H
#define VCM_TESTS_QEMU_SMMUV3_EDU_H

#include <stdint.h>

#define EDU_BUF 0x40000U        /* the device's buffer, as its DMA registers name it */
#define EDU_MAX_XFER 4095U      /* QEMU 7.2 aborts on a 4096-byte transfer */

struct edu {
	uintptr_t mmio; /* BAR0 */
	uint32_t rid;   /* requester ID: bus << 8 | devfn (the SMMU StreamID) */
};

/*
 * Scan bus 0 of the ECAM at @ecam for up to @max edu functions; assign each
 * BAR0 from @mmio_base on (1 MiB apart) and enable memory decoding and bus
 * mastering. Return: how many were found.
 */
unsigned int edu_probe(uintptr_t ecam, uintptr_t mmio_base, struct edu *out, unsigned int max);

/* The identification register (0x00): 0x010000ed for edu 1.0. */
uint32_t edu_id(const struct edu *e);

/* Memory at @da -> device buffer offset @off, @len bytes; waits until done. */
void edu_to_dev(const struct edu *e, uint64_t da, uint32_t off, uint32_t len);
/* Device buffer offset @off -> memory at @da, @len bytes; waits until done. */
void edu_from_dev(const struct edu *e, uint32_t off, uint64_t da, uint32_t len);

#endif
