/** Public ids (SPEC §5): `t_<n>`, `team_<n>`, `u_<n>` over integer keys. */
export const ids = {
  tournament: (n: number) => `t_${n}`,
  team: (n: number) => `team_${n}`,
  user: (n: number) => `u_${n}`,
};

function parser(prefix: string) {
  const re = new RegExp(`^${prefix}_(\\d{1,9})$`);
  return (id: string): number | null => {
    const m = re.exec(id);
    return m ? Number(m[1]) : null;
  };
}

export const parseIds = {
  tournament: parser('t'),
  team: parser('team'),
  user: parser('u'),
};
