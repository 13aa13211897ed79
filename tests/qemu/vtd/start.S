/* SPDX-License-Identifier: MIT */
/*
 * Entry of the VT-d graph image: QEMU's -kernel loads this 32-bit multiboot
 * ELF and enters _start32 in flat protected mode, paging off, with the
 * multiboot magic in EAX and the information block (command line) in EBX.
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
	push %ebx
	push %eax
	call vtd_graph_main
1:	hlt
	jmp 1b
	.section .note.GNU-stack, "", @progbits
