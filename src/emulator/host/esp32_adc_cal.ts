/**
 * The ESP32's ADC calibration, which ADC.read_uv() applies to the raw reading (ports/esp32/adc.c
 * v1.23.0:82-92: esp_adc_cal_characterize with DEFAULT_VREF 1100 mV, then esp_adc_cal_raw_to_voltage
 * × 1000). ESP-IDF's legacy calibration (components/esp_adc/deprecated/esp32/esp_adc_cal_legacy.c,
 * read at esp-idf commit 5b36832a; that v5.0.4, v1.23.0's documented IDF, has the same tables is
 * UNVERIFIED): y = coeff_a·x + coeff_b on the reading scaled to 12 bits, and, at 11 dB above
 * 2880, a table interpolated between its 1000 mV and 1200 mV Vref curves (CONFIG_ADC_CAL_LUT_ENABLE,
 * on by default).
 * A chip takes its Vref from eFuse when burned there (most are, each its own): boardsim's chip is
 * one whose eFuse holds no Two Point values and a Vref of 1100 mV, the DEFAULT_VREF (UNVERIFIED choice).
 */

const VREF_MV = 1100;

/** characterize_using_vref's tables by unit (ADC1, ADC2), then attenuation 0-3. */
const VREF_ATTEN_SCALE = [
  [57431, 76236, 105481, 196602],
  [57236, 76175, 105678, 197170],
] as const;
const VREF_ATTEN_OFFSET = [
  [75, 78, 107, 142],
  [63, 66, 89, 128],
] as const;

/** The 11 dB lookup tables, 20 points from reading 2880 in steps of 64: [low Vref 1000 mV, high 1200 mV] by unit. */
const LUT = [
  [
    [2240, 2297, 2352, 2405, 2457, 2512, 2564, 2616, 2664, 2709, 2754, 2795, 2832, 2868, 2903, 2937, 2969, 3000, 3030, 3060],
    [2667, 2706, 2745, 2780, 2813, 2844, 2873, 2901, 2928, 2956, 2982, 3006, 3032, 3059, 3084, 3110, 3135, 3160, 3184, 3209],
  ],
  [
    [2238, 2293, 2347, 2399, 2451, 2507, 2561, 2613, 2662, 2710, 2754, 2792, 2831, 2869, 2904, 2937, 2968, 2999, 3029, 3059],
    [2657, 2698, 2738, 2774, 2807, 2838, 2867, 2894, 2921, 2946, 2971, 2996, 3020, 3043, 3067, 3092, 3116, 3139, 3162, 3185],
  ],
] as const;
const LUT_LOW = 2880;
const LUT_STEP = 64;
const LUT_VREF_LOW = 1000;
const LUT_VREF_HIGH = 1200;

/** Millivolts for a raw reading of `bits` bits on ADC `unit` (0: ADC1, 1: ADC2) at attenuation `atten` (0-3). */
export function esp32AdcMillivolts(raw: number, bits: number, unit: 0 | 1, atten: number): number {
  const x = Math.min(raw << (12 - bits), 4095);
  const coeffA = Math.floor((VREF_MV * VREF_ATTEN_SCALE[unit][atten]!) / 4096);
  const linear = Math.floor((coeffA * x + 32768) / 65536) + VREF_ATTEN_OFFSET[unit][atten]!;
  if (atten !== 3 || x < LUT_LOW) return linear;
  const [low, high] = LUT[unit];
  const i = Math.floor((x - LUT_LOW) / LUT_STEP);
  const x2 = LUT_VREF_HIGH - VREF_MV;
  const x1 = VREF_MV - LUT_VREF_LOW;
  const y2 = (i + 1) * LUT_STEP + LUT_LOW - x;
  const y1 = x - (i * LUT_STEP + LUT_LOW);
  // bilinear between the curves (i is at most 18 for a reading of 4095)
  const area = (LUT_VREF_HIGH - LUT_VREF_LOW) * LUT_STEP;
  const sum = low[i]! * x2 * y2 + high[i]! * x1 * y2 + low[i + 1]! * x2 * y1 + high[i + 1]! * x1 * y1;
  const lut = Math.trunc((sum + area / 2) / area);
  if (x > LUT_LOW + LUT_STEP) return lut;
  // the transition: linear and table voltages interpolated over the first step
  return Math.floor((linear * LUT_STEP + lut * (x - LUT_LOW) - linear * (x - LUT_LOW) + LUT_STEP / 2) / LUT_STEP);
}
