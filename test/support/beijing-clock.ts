// How the console must show an instant: on a Beijing clock, in the chosen language. Worked out
// here without Intl (Beijing is UTC+8 all year, no daylight saving), so the tests do not share
// the console's way of formatting and can catch a mistake in it.

const pad = (n: number) => String(n).padStart(2, '0');
const monthsEn = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function beijingClock(iso: string) {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return { d, time };
}

/** `2026年12月3日 18:05` */
export const beijingZh = (iso: string) => {
  const { d, time } = beijingClock(iso);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${time}`;
};

/** `3 Dec 2026, 18:05` */
export const beijingEn = (iso: string) => {
  const { d, time } = beijingClock(iso);
  return `${d.getUTCDate()} ${monthsEn[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${time}`;
};
