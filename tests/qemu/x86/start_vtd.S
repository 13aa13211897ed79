/* SPDX-License-Identifier: MIT */
/*
 * Entry of the VT-d QEMU harness: QEMU's -kernel loads this 32-bit multiboot
 * ELF and enters _start32 in flat protected mode with paging off, which is all
 * the harness needs (the translation under test is the IOMMU's, not the CPU's).
 */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x0

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.section .text.start, "ax"
	.globl _start32
_start32:
	cli
	mov $__stack_top, %esp
	call vtd_main
1:	hlt
	jmp 1b
	.section .note.GNU-stack, "", @progbits
