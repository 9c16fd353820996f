import { z } from 'zod';
import {
  bankAccount,
  citizenIdNumber,
  issuedNumber,
  personName,
  phoneNumber,
  label,
} from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';

/** A commercial bank taking part in business start-up (合作商业银行): opens the basic account. */
export const bank = defineDepartment('bank', { zh: '商业银行', en: 'Commercial Bank' }, [
  {
    id: 'account-opening',
    title: { zh: '企业基本存款账户开立', en: 'Company basic account opening' },
    input: z.object({
      // The bank reads the code as the registrar issued it; the registrar checked its format.
      unifiedSocialCreditCode: issuedNumber,
      companyName: z.string().min(1).max(100),
      sealRecordNumber: issuedNumber,
      legalRepresentativeName: personName,
      legalRepresentativeIdNumber: citizenIdNumber,
      legalRepresentativePhone: phoneNumber,
      branchName: z.string().min(1).max(100),
    }),
    output: z.object({
      accountNumber: bankAccount.meta(label({ zh: '基本存款账户账号', en: 'Basic deposit account number' })),
    }),
  },
]);
