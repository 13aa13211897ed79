/* SPDX-License-Identifier: MIT */
/*
 * Entry of the x86-64 QEMU harness. QEMU's -kernel loads a 32-bit multiboot
 * ELF and enters _start32 in flat 32-bit protected mode with paging off
 * (Multiboot Specification 0.6.96, "Machine state"). From there, with no page
 * tables of its own:
 *  - write the signature (its own address) at the checked RAM of each vector;
 *  - CR4 = the table's value (PAE, PGE, LA57 for 5 levels) | SMAP, CR3 = the
 *    table under test, IA32_PAT, EFER.LME | NXE, then CR0.PG | WP | PE: long
 *    mode starts directly on the tables built by the library, which map the
 *    harness onto itself (SDM Vol. 3A, "Initializing IA-32e Mode": LA57 can be
 *    changed only while paging is off);
 *  - far jump to 64-bit code and call harness_main().
 * Probes: each load or store that may fault is a leaf function whose fault
 * handler resumes at probe_fixup, which returns with pf_hit set.
 */
#include "vectors_x86.h"

#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x0

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.section .text.start, "ax"
	.code32
	.globl _start32
_start32:
	cli
	mov $__stack_top, %esp
	lgdt gdt_desc
	/* signatures: for each VQX_DATA vector, [pa & ~7] = pa & ~7 (pa < 4 GiB) */
	mov $VQX_VECTORS_PA, %esi
	mov 8(%esi), %ecx
	lea 48(%esi), %edi
1:	test %ecx, %ecx
	jz 2f
	testl $VQX_DATA, 16(%edi)
	jz 3f
	mov 8(%edi), %eax
	and $~7, %eax
	mov %eax, (%eax)
	movl $0, 4(%eax)
3:	add $24, %edi
	dec %ecx
	jmp 1b
2:	mov 24(%esi), %eax		/* CR4 of the table */
	or $(1 << 21), %eax		/* SMAP: tells user pages from supervisor ones */
	mov %eax, %cr4
	mov 16(%esi), %eax		/* CR3 (below 4 GiB here) */
	mov %eax, %cr3
	mov $0x277, %ecx		/* IA32_PAT */
	mov 32(%esi), %eax
	mov 36(%esi), %edx
	wrmsr
	mov $0xc0000080, %ecx		/* IA32_EFER: LME, NXE */
	rdmsr
	or $0x900, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax		/* PG, WP, PE */
	mov %eax, %cr0
	ljmp $0x08, $start64

	.code64
start64:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov $__stack_top, %rsp
	call harness_main
	/* harness_main does not return */
	hlt

	.text
/* uint64_t probe_read(uint64_t va, int user_ok): AC = user_ok during the load */
	.globl probe_read
probe_read:
	movl $0, pf_hit(%rip)
	test %esi, %esi
	jz 1f
	stac
1:	mov (%rdi), %rax
	clac
	ret
/* void probe_write(uint64_t va, uint64_t value), with AC = 1 */
	.globl probe_write
probe_write:
	movl $0, pf_hit(%rip)
	stac
	mov %rsi, (%rdi)
	clac
	ret
probe_fixup:
	clac
	xor %eax, %eax
	ret

/* #PF: record error code and CR2, resume at probe_fixup */
	.globl pf_entry
pf_entry:
	push %rax
	mov 8(%rsp), %rax
	mov %rax, pf_err(%rip)
	mov %cr2, %rax
	mov %rax, pf_cr2(%rip)
	movl $1, pf_hit(%rip)
	lea probe_fixup(%rip), %rax
	mov %rax, 16(%rsp)
	pop %rax
	add $8, %rsp
	iretq

/* any other exception: report and stop */
	.globl exc_entry
exc_entry:
	and $~15, %rsp
	call harness_exception

	.section .rodata
	.align 8
gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
	.section .note.GNU-stack, "", @progbits
