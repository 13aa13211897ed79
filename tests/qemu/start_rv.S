// SPDX-License-Identifier: MIT
// RISC-V entry for harness_rv.c, riscv64 and riscv32 alike: a stack,
// image_main(), and the M-mode trap handler the probes rely on. QEMU's virt
// machine with -bios none starts hart 0 here, at 0x8000_0000, in M-mode with
// translation off.
#if __riscv_xlen == 64
#define SREG sd
#define LREG ld
#define XB 8
#else
#define SREG sw
#define LREG lw
#define XB 4
#endif
	.section .text.start, "ax"
	.global _start
_start:
	la	sp, __stack_top
	call	image_main
1:	wfi
	j	1b

// A probe's load or store faulted: record mcause and mtval in the struct that
// mscratch points to (harness_rv.c, struct trap_rec: cause, tval, save, one
// register each), and resume after the faulting instruction, which the probes
// keep 4 bytes long. The handler's own accesses are untranslated: the trap set
// MPP to M, so MPRV no longer applies (Privileged ISA 20211203, 3.1.6.3).
	.text
	.balign	4
	.global	trap_entry
trap_entry:
	csrrw	t0, mscratch, t0
	SREG	t1, 2*XB(t0)
	csrr	t1, mcause
	SREG	t1, 0(t0)
	csrr	t1, mtval
	SREG	t1, XB(t0)
	csrr	t1, mepc
	addi	t1, t1, 4
	csrw	mepc, t1
	LREG	t1, 2*XB(t0)
	csrrw	t0, mscratch, t0
	mret
