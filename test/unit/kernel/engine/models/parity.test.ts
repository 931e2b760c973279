// Parity with the PyTorch reference on the tfjs cpu backend (cases in parityCases.ts).
import { parityTests } from './parityCases';

parityTests('cpu');
