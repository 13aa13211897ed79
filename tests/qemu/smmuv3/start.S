// SPDX-License-Identifier: MIT
// aarch64 entry of the SMMUv3 image: a stack, an exception vector table that
// reports any exception and exits (a stray access should fail fast, not hang
// until the test's timeout), image_main(), and the semihosting exit.
// Entered at EL1 with the MMU off (`-kernel` on virt without virtualization).
	.section .text.start, "ax"
	.global _start
_start:
	ldr	x0, =__stack_top
	mov	sp, x0
	adr	x0, vectors
	msr	vbar_el1, x0
	isb
	bl	image_main
	bl	semihost_exit
1:	b	1b

// Arm ARM D1.10.2: 16 entries of 128 bytes, the table 2 KiB aligned.
	.balign	2048
vectors:
	.rept	16
	.balign	128
	b	trap
	.endr
trap:
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	bl	image_trap
2:	b	2b

// semihost_exit(w0 = code): SYS_EXIT (0x18) with the parameter block
// {ADP_Stopped_ApplicationExit = 0x20026, code} ("Semihosting for AArch32
// and AArch64", 2.0), HLT #0xF000; QEMU exits with `code`.
	.text
	.global semihost_exit
semihost_exit:
	sub	sp, sp, #16
	mov	x2, #0x0026
	movk	x2, #0x2, lsl #16
	str	x2, [sp]
	uxtw	x0, w0
	str	x0, [sp, #8]
	mov	x1, sp
	mov	w0, #0x18
	hlt	#0xf000
3:	b	3b
