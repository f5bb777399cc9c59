// The asm core's numbered arguments, named once for both sides: core.ts (AssemblyScript) imports
// them, and so do its host (core_asm/asm_backend.ts) and the benchmarks (bench/flops.ts). Plain
// integer constants, valid AssemblyScript and TypeScript alike.

// `addr(which)`: the buffers the host reads or writes.
export const ADDR_PARAMS = 0; // the parameter block (f32, the padded in×out layout)
export const ADDR_GRAD = 1; // its gradient
export const ADDR_M = 2; // the optimiser's first moment (SGD: the momentum buffer)
export const ADDR_V = 3; // the second moment
export const ADDR_IA = 4; // the pair rows' a (i32, train rows first)
export const ADDR_IB = 5; // … b
export const ADDR_LABELS = 6; // … (a + b) mod p
export const ADDR_DFT_COS = 7; // p × p: cos(2π·kn/p)
export const ADDR_DFT_SIN = 8; // p × p: sin(2π·kn/p)
export const ADDR_SIGNALS = 9; // ‖F_k‖, k < p (f64), written by `signals`
export const ADDR_STATS = 10; // train loss, train correct, test loss, test correct (f64 sums)
export const ADDR_LOGITS = 11; // the block's logits (BR·PP floats; the tests' `mathLanes` too)

// `offset(which)`: offsets in floats inside the parameter block, and sizes.
export const OFF_E = 0;
export const OFF_W0A = 1;
export const OFF_W0B = 2;
export const OFF_B0 = 3;
export const OFF_W1 = 4;
export const OFF_B1 = 5;
export const OFF_W2 = 6;
export const OFF_B2 = 7;
export const OFF_TOTAL = 8; // floats in the parameter block
export const OFF_DP = 9; // ceil8(d)
export const OFF_HP = 10; // ceil8(hidden)
export const OFF_PP = 11; // ceil8(p)
export const OFF_BR = 12; // pair rows per block
export const OFF_ALLOCATED = 13; // bytes `setup` took from the heap

// `kernel(which, withTest)`: the kernels of a step, in the order a step runs them (the bench
// runs one alone; bench/flops.ts has their names and FLOPs). K_LAYER1 … K_SOFTMAX run on every
// block, K_DW2 … K_DZ1 on train blocks, the others once per step.
export const K_LAYER0 = 0; // PA = E·W0a + b0, PB = E·W0b
export const K_LAYER1 = 1; // z1 = PA[a] + PB[b]; H1 = silu(z1), G1 = silu'(z1)
export const K_LAYER2 = 2; // z2 = H1·W1 + b1 (into H2)
export const K_SILU2 = 3; // H2 = silu(z2), G2 = silu'(z2)
export const K_LOGITS = 4; // logits = H2·W2 + b2, in 4-row panels
export const K_SOFTMAX = 5; // cross-entropy, accuracy; train rows: ∂logits, ∂b2
export const K_DW2 = 6; // ∂W2 += H2ᵀ·∂logits
export const K_DZ2 = 7; // ∂z2 = ∂logits·W2ᵀ ⊙ G2, ∂b1 += Σ ∂z2
export const K_DW1 = 8; // ∂W1 += H1ᵀ·∂z2
export const K_DZ1 = 9; // ∂z1 = ∂z2·W1ᵀ ⊙ G1, added to ∂PA[a], ∂PB[b]
export const K_LAYER0_GRAD = 10; // ∂b0, ∂W0a = Eᵀ·∂PA, ∂W0b = Eᵀ·∂PB, ∂E
export const K_UPDATE = 11; // the optimiser's update (alone: as the last step passed it)
export const K_TRANSPOSES = 12; // the out×in weight copies
