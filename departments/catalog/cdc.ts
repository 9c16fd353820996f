import { z } from 'zod';
import { isoDate, issuedNumber, personName, phoneNumber, sex, label } from '../../schemas/fields.js';
import { defineDepartment } from '../definition.js';

/** Center for Disease Control (疾控): issues the vaccination certificate. */
export const cdc = defineDepartment('cdc', { zh: '疾病预防控制中心', en: 'Center for Disease Control' }, [
  {
    id: 'vaccination-certificate',
    title: { zh: '预防接种证', en: 'Vaccination certificate' },
    input: z.object({
      babyName: personName,
      babySex: sex,
      birthDate: isoDate,
      guardianName: personName,
      guardianPhone: phoneNumber,
    }),
    output: z.object({
      vaccinationRecordId: issuedNumber.meta(
        label({ zh: '预防接种档案编号', en: 'Vaccination record number' }),
      ),
    }),
  },
]);
