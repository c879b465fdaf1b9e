import { getAuth } from '../../../../lib/auth.ts'

// Better Auth's handler, under its default base path /api/auth.
const handle = async (request: Request): Promise<Response> => (await getAuth()).handler(request)

export const GET = handle
export const POST = handle
