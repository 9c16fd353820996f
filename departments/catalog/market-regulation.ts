import { z } from 'zod';
import { citizenIdNumber, issuedNumber, personName, label } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';
import { certificateOf, materialLink } from '../../schemas/materials.js';

const creditCodeCharacters = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const creditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character of a unified social credit code (GB 32100-2015) from its first 17 characters. */
export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1)
    sum += creditCodeCharacters.indexOf(first17[i] ?? '') * (creditCodeWeights[i] ?? 0);
  return creditCodeCharacters[(31 - (sum % 31)) % 31] ?? '';
}

/** Unified social credit code (统一社会信用代码): 18 characters, the last a check character. */
export const unifiedSocialCreditCode = z
  .string()
  .regex(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/, {
    message: 'an 18-character unified social credit code',
  })
  .refine((code) => creditCodeCheckCharacter(code.slice(0, 17)) === code[17], {
    message: 'the check character of the unified social credit code does not match',
  });

const investor = z
  .object({
    name: personName,
    idNumber: citizenIdNumber,
    contributionTenThousandYuan: z.number().positive(),
  })
  .strict();

/** Market regulation administration (市场监管): registers companies. */
export const marketRegulation = defineDepartment(
  'market-regulation',
  { zh: '市场监督管理局', en: 'Market Regulation Administration' },
  [
    {
      id: 'formation-registration',
      title: { zh: '企业设立登记', en: 'Company formation registration' },
      input: z.object({
        companyName: z.string().min(1).max(100),
        address: z.string().min(1).max(200),
        businessScope: z.string().min(1).max(2000),
        registeredCapitalTenThousandYuan: z.number().positive(),
        shareholders: z.array(investor).min(1),
        legalRepresentativeName: personName,
        legalRepresentativeIdNumber: citizenIdNumber,
        /** Proof of the registered address (a lease, a title deed): a link to the uploaded scan. */
        addressProof: materialLink.optional(),
      }),
      // The licence number as before, and the electronic business licence (营业执照) the next
      // departments and the portal verify here instead of copying the number.
      output: z.object({
        unifiedSocialCreditCode: unifiedSocialCreditCode.meta(
          label({ zh: '统一社会信用代码', en: 'Unified social credit code' }),
        ),
        businessLicenceNumber: issuedNumber.meta(
          label({ zh: '营业执照编号', en: 'Business licence number' }),
        ),
        businessLicence: certificateOf('business-licence')
          .meta(label({ zh: '电子营业执照', en: 'Electronic business licence' }))
          .optional(),
      }),
    },
  ],
);
