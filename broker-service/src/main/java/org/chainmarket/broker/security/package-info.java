/** Who calls the marketplace: accounts with roles, their hashed secrets, bearer tokens (JWT) and what each role may touch. */
package org.chainmarket.broker.security;
