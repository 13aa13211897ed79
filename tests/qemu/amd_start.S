/* SPDX-License-Identifier: MIT */
/* Multiboot (v1) entry of the AMD IOMMU harness: QEMU's -kernel loader starts
 * it in 32-bit protected mode, flat segments, paging off. */
	.section .multiboot, "a"
	.align 4
	.long 0x1badb002              /* magic */
	.long 0                       /* flags: an ELF image, nothing asked for */
	.long -0x1badb002             /* checksum */

	.text
	.globl _start
_start:
	cli
	mov $stack_top, %esp
	call harness_main
1:	hlt
	jmp 1b

	.bss
	.align 16
	.space 16384
stack_top:
