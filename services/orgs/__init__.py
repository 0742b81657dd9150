"""The community organization register (องค์กรชุมชน): the write side for indicator 3."""
