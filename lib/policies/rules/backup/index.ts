import { PolicyRule } from '../../rule';

/** Backups: schedules, TTLs, coverage of every namespace with data. */
export const BACKUP_RULES: readonly PolicyRule[] = [];
