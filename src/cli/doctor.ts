import type { Command } from './main.ts'

export const doctorCommand: Command = {
  summary: 'Check a deployment',
  async run() {
    console.error('doctor: not built yet')
    return 1
  },
}
