/* SPDX-License-Identifier: MIT */
/*
 * Port I/O, PCI configuration and MMIO for the bare-metal x86 harnesses
 * (amd_harness.c, x86/harness_vtd.c, x86/harness_x86.c). Header only, so an
 * image carries just what it uses.
 */
#ifndef VCM_TESTS_QEMU_BM_X86_H
#define VCM_TESTS_QEMU_BM_X86_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* PCI configuration mechanism #1 (ports 0xcf8/0xcfc), bus 0, dword @off. */
static inline uint32_t pci_read(uint32_t devfn, uint32_t off)
{
	outl(0xcf8, 0x80000000U | devfn << 8 | (off & 0xfcU));
	return inl(0xcfc);
}

static inline void pci_write(uint32_t devfn, uint32_t off, uint32_t v)
{
	outl(0xcf8, 0x80000000U | devfn << 8 | (off & 0xfcU));
	outl(0xcfc, v);
}

static inline uint32_t mmio_read32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void mmio_write32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

/*
 * One 8-byte store (edu and the IOMMUs take 64-bit registers whole), through
 * MMX: a 32-bit image has no 64-bit general register. 32-bit images only.
 */
static inline void mmio_write64(uintptr_t a, uint64_t v)
{
	__asm__ volatile("movq %1, %%mm0\n\tmovq %%mm0, %0\n\temms"
			 : "=m"(*(volatile uint64_t *)a) : "m"(v) : "memory");
}

#endif
