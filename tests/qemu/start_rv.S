// SPDX-License-Identifier: MIT
// riscv64 entry for harness_rv.c: a stack, image_main(), and the M-mode trap
// handler the probes rely on. QEMU's virt machine with -bios none starts hart 0
// here, at 0x8000_0000, in M-mode with translation off.
	.section .text.start, "ax"
	.global _start
_start:
	la	sp, __stack_top
	call	image_main
1:	wfi
	j	1b

// A probe's load or store faulted: record mcause and mtval in the struct that
// mscratch points to (harness_rv.c, struct trap_rec: cause, tval, save), and
// resume after the faulting instruction, which the probes keep 4 bytes long.
// The handler's own accesses are untranslated: the trap set MPP to M, so MPRV
// no longer applies (Privileged ISA 20211203, 3.1.6.3).
	.text
	.balign	4
	.global	trap_entry
trap_entry:
	csrrw	t0, mscratch, t0
	sd	t1, 16(t0)
	csrr	t1, mcause
	sd	t1, 0(t0)
	csrr	t1, mtval
	sd	t1, 8(t0)
	csrr	t1, mepc
	addi	t1, t1, 4
	csrw	mepc, t1
	ld	t1, 16(t0)
	csrrw	t0, mscratch, t0
	mret
