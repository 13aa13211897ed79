// SPDX-License-Identifier: MIT
// aarch64 entry for harness.c: a stack, image_main(), and the semihosting exit
// (the 32-bit entry is tests/freestanding/start_a32.S, shared with the
// freestanding images).
// Entered at EL2 with the MMU off (-machine virt,virtualization=on).
	.section .text.start, "ax"
	.global _start
_start:
	ldr	x0, =__stack_top
	mov	sp, x0
	bl	image_main
1:	b	1b

// semihost_exit(w0 = code): SYS_EXIT (0x18) with the extended parameter block
// {ADP_Stopped_ApplicationExit = 0x20026, code}, 64-bit fields, via HLT #0xF000
// (Arm "Semihosting for AArch32 and AArch64", 2.0). QEMU exits with `code`.
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
2:	b	2b
